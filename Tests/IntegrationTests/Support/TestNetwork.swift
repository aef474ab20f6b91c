import Foundation
import TernLocal

#if canImport(Glibc)
import Glibc
#endif

/// Network namespaces on a bridge, as the local runtime's transparent mode lays out pods:
/// the root namespace is 10.212.N.1 on the bridge, each namespace gets the next address and
/// a default route through the bridge. `remove()` deletes everything it made.
final class TestNetwork: @unchecked Sendable {
    let bridge: String
    let prefix: String
    private(set) var namespaces: [String] = []
    private let tag: String

    static var unavailableReason: String? {
        guard getuid() == 0 else { return "needs root to create network namespaces" }
        for tool in ["ip", "iptables-restore", "setpriv"] where (try? ProcessRunner.locate(tool)) == nil {
            return "\(tool) is not installed (scripts/install-test-deps.sh installs it)"
        }
        return nil
    }

    var gateway: String { "\(prefix).1" }

    init() throws {
        tag = String(UInt32.random(in: 0...0xFFFFFF), radix: 16)
        bridge = "tbr\(tag)"
        prefix = "10.212.\(Int.random(in: 1...250))"
        try Self.ip(["link", "add", bridge, "type", "bridge"])
        try Self.ip(["addr", "add", "\(gateway)/24", "dev", bridge])
        try Self.ip(["link", "set", bridge, "up"])
    }

    /// Adds a namespace with address PREFIX.`host` and returns its name.
    func addNamespace(_ role: String, host: Int) throws -> (name: String, address: String) {
        let name = "tern-it-\(role)-\(tag)"
        let outside = "tv\(host)\(tag)"
        let address = "\(prefix).\(host)"
        try Self.ip(["netns", "add", name])
        namespaces.append(name)
        try Self.ip(["link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", name])
        try Self.ip(["link", "set", outside, "master", bridge, "up"])
        try Self.ip(["-n", name, "addr", "add", "\(address)/24", "dev", "eth0"])
        try Self.ip(["-n", name, "link", "set", "eth0", "up"])
        try Self.ip(["-n", name, "link", "set", "lo", "up"])
        try Self.ip(["-n", name, "route", "add", "default", "via", gateway])
        return (name, address)
    }

    func remove() {
        for name in namespaces { _ = try? ProcessRunner().run(["ip", "netns", "delete", name], stdin: nil) }
        _ = try? ProcessRunner().run(["ip", "link", "delete", bridge], stdin: nil)
    }

    static func ip(_ arguments: [String]) throws {
        let result = try ProcessRunner().run(["ip"] + arguments, stdin: nil)
        guard result.status == 0 else { throw HarnessError("ip \(arguments.joined(separator: " ")): \(result.stderr)") }
    }
}
