import Foundation

/// The transparent-mode network: a bridge owned by the runtime, one network namespace per
/// workload on it with a default route through the bridge, its hosts file under
/// `/etc/netns/<ns>/`, and `tern proxy-init` rules inside. `remove` undoes all of it; the
/// iptables rules live inside the namespaces and vanish with them.
public struct TransparentNetwork: Sendable {
    public let bridge: String
    public let subnet: SubnetPlan
    let runner: any CommandRunner

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(bridge: String, subnet: SubnetPlan, runner: any CommandRunner = ProcessRunner()) {
        self.bridge = bridge
        self.subnet = subnet
        self.runner = runner
    }

    /// The host's IPv4 addresses, to pick a subnet nobody uses.
    public static func hostAddresses(runner: any CommandRunner = ProcessRunner()) -> [String] {
        guard let result = try? runner.run(["ip", "-o", "-4", "addr", "show"], stdin: nil), result.status == 0 else { return [] }
        return result.stdout.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard let at = fields.firstIndex(of: "inet"), at + 1 < fields.count else { return nil }
            return String(fields[at + 1])
        }
    }

    public func createBridge() throws {
        try ip(["link", "add", bridge, "type", "bridge"])
        try ip(["addr", "add", "\(subnet.gateway)/24", "dev", bridge])
        try ip(["link", "set", bridge, "up"])
    }

    /// A namespace with `address` on the bridge, its hosts file, and proxy-init's rules.
    public func addNamespace(_ name: String, veth: String, address: String, hosts: String, ternExecutable: String) throws {
        try ip(["netns", "add", name])
        try ip(["link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", name])
        try ip(["link", "set", veth, "master", bridge, "up"])
        try ip(["-n", name, "addr", "add", "\(address)/24", "dev", "eth0"])
        try ip(["-n", name, "link", "set", "eth0", "up"])
        try ip(["-n", name, "link", "set", "lo", "up"])
        try ip(["-n", name, "route", "add", "default", "via", subnet.gateway])
        try writeHosts(hosts, namespace: name)
        let result = try runner.run([ternExecutable, "proxy-init", "--netns", name, "--proxy-uid", "2102"], stdin: nil)
        guard result.status == 0 else { throw Failure(description: "tern proxy-init in \(name): \(result.stderr)") }
    }

    public func writeHosts(_ hosts: String, namespace: String) throws {
        let directory = Self.etcDirectory(namespace)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try AtomicFile.update(hosts, at: "\(directory)/hosts")
    }

    /// Deletes a namespace (its veth pair and iptables rules go with it) and its /etc files.
    public static func removeNamespace(_ name: String, runner: any CommandRunner = ProcessRunner()) {
        _ = try? runner.run(["ip", "netns", "delete", name], stdin: nil)
        try? FileManager.default.removeItem(atPath: etcDirectory(name))
    }

    public static func removeBridge(_ bridge: String, runner: any CommandRunner = ProcessRunner()) {
        _ = try? runner.run(["ip", "link", "delete", bridge], stdin: nil)
    }

    static func etcDirectory(_ namespace: String) -> String { "/etc/netns/\(namespace)" }

    private func ip(_ arguments: [String]) throws {
        let result = try runner.run(["ip"] + arguments, stdin: nil)
        guard result.status == 0 else {
            throw Failure(description: "ip \(arguments.joined(separator: " ")): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}
