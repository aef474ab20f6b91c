import Foundation
import Testing

/// Runs the built `tern` executable as a user would, capturing its output and exit status.
enum TernBinary {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The products directory: where the test bundle itself was built.
    static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs the binary on a thread of its own: waiting for a child process must not hold one
    /// of the (on two cores, two) threads every async test shares.
    static func run(_ arguments: [String], stdin: String? = nil, in directory: URL? = nil) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try runBlocking(arguments, stdin: stdin, in: directory) })
            }
            thread.start()
        }
    }

    private static func runBlocking(_ arguments: [String], stdin: String?, in directory: URL?) throws -> Output {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("tern")
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? repositoryRoot
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read before waiting so a large output cannot fill the pipe and stall the child.
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }
}
