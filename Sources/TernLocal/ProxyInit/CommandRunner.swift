import Foundation
import Synchronization

/// What a finished command printed and how it exited.
public struct CommandResult: Sendable, Hashable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Runs a program to completion. A protocol so the executor's logic is tested with a fake
/// table, and so the local runtime can wrap commands (e.g. in a network namespace).
public protocol CommandRunner: Sendable {
    func run(_ arguments: [String], stdin: String?) throws -> CommandResult
}

public enum CommandRunnerError: Error, Hashable, CustomStringConvertible {
    case notFound(String)

    public var description: String {
        switch self {
        case .notFound(let name): return "\(name): command not found in PATH, /usr/sbin or /sbin; install it (Debian: apt-get install iptables iproute2)"
        }
    }
}

/// Runs commands with Foundation's `Process`, looking the program up in `PATH` and the sbin
/// directories (iptables and ip live there, which a non-login `PATH` may lack).
public struct ProcessRunner: CommandRunner {
    public init() {}

    public func run(_ arguments: [String], stdin: String?) throws -> CommandResult {
        guard let name = arguments.first else { return CommandResult(status: 0, stdout: "", stderr: "") }
        let process = Process()
        process.executableURL = try Self.locate(name)
        process.arguments = Array(arguments.dropFirst())
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // Drain stderr on another thread so neither pipe can fill and stall the child.
        let errData = DataSink()
        let drained = DispatchSemaphore(value: 0)
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async {
            let data = errHandle.readDataToEndOfFile()
            errData.store(data)
            drained.signal()
        }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus,
                             stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData.load(), as: UTF8.self))
    }

    /// The executable for `name`: itself when it is a path, else the first match in the search path.
    public static func locate(_ name: String) throws -> URL {
        if name.contains("/") { return URL(fileURLWithPath: name) }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        for directory in directories where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw CommandRunnerError.notFound(name)
    }
}

/// Hands bytes read on one thread to another.
private final class DataSink: Sendable {
    private let data = Mutex(Data())
    func store(_ value: Data) { data.withLock { $0 = value } }
    func load() -> Data { data.withLock { $0 } }
}
