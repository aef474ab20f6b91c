import Foundation
import TernLocal
import Testing

/// A throwaway named network namespace (`ip netns add tern-test-…`), deleted when the test body
/// returns or throws. Everything the namespace tests change lives and dies inside it.
struct NetworkNamespace {
    let name: String

    static var available: Bool { unavailableReasonText == nil }
    static var unavailableReason: Comment { Comment(rawValue: unavailableReasonText ?? "") }

    private static let unavailableReasonText: String? = {
        guard getuid() == 0 else { return "needs root to create network namespaces" }
        for tool in ["ip", "iptables-save", "iptables-restore"] where (try? ProcessRunner.locate(tool)) == nil {
            return "\(tool) is not installed (scripts/install-test-deps.sh installs it)"
        }
        return nil
    }()

    static func with(_ body: (NetworkNamespace) throws -> Void) throws {
        let ns = NetworkNamespace(name: "tern-test-\(UInt32.random(in: 0...UInt32.max))")
        try ns.ip(["netns", "add", ns.name])
        defer { _ = try? ProcessRunner().run(["ip", "netns", "delete", ns.name], stdin: nil) }
        try body(ns)
    }

    /// The namespace's nat table lines, without the timestamped comment lines.
    func natTable() throws -> [String] {
        let result = try ProcessRunner().run(["ip", "netns", "exec", name, "iptables-save", "-t", "nat"], stdin: nil)
        guard result.status == 0 else { throw Failure(message: "iptables-save: \(result.stderr)") }
        return result.stdout.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
    }

    func ip(_ arguments: [String]) throws {
        let result = try ProcessRunner().run(["ip"] + arguments, stdin: nil)
        guard result.status == 0 else { throw Failure(message: "ip \(arguments.joined(separator: " ")): \(result.stderr)") }
    }

    struct Failure: Error, CustomStringConvertible { var message: String; var description: String { message } }
}

/// The built `tern` executable, from the products directory beside this test bundle.
enum TernProcess {
    static func run(_ arguments: [String]) throws -> CommandResult {
        let tern = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tern")
        return try ProcessRunner().run([tern.path] + arguments, stdin: nil)
    }
}
