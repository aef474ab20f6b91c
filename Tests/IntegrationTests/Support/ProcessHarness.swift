import Foundation

/// Launches the package's own executables as real processes. They sit next to the test
/// bundle in the build directory (`swift build`/`swift test` build every product).
enum Binaries {
    static let directory: URL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()

    static func path(_ name: String) throws -> String {
        let candidate = directory.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw HarnessError("\(name) is not built in \(directory.path); run `swift build` first")
        }
        return candidate
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A running child process whose stdout is read line by line on a background queue.
final class RunningProcess: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private let lock = NSLock()
    private var lines: [String] = []
    private var stderrText = ""
    private let reader = DispatchGroup()

    convenience init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        try self.init(path: try Binaries.path(executable), arguments: arguments, environment: environment)
    }

    /// Any program, by path (`/usr/sbin/ip netns exec … tern-proxy` for a workload's proxy).
    init(path: String, arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        read(output.fileHandleForReading) { text in self.lines.append(contentsOf: text.split(separator: "\n").map(String.init)) }
        read(errors.fileHandleForReading) { text in self.stderrText += text }
    }

    private func read(_ handle: FileHandle, _ append: @escaping @Sendable (String) -> Void) {
        reader.enter()
        DispatchQueue.global().async {
            var pending = ""
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                pending += String(decoding: data, as: UTF8.self)
                // Hand over complete lines only.
                if let last = pending.lastIndex(of: "\n") {
                    let complete = String(pending[...last])
                    pending = String(pending[pending.index(after: last)...])
                    self.lock.withLock { append(complete) }
                }
            }
            if !pending.isEmpty { self.lock.withLock { append(pending) } }
            self.reader.leave()
        }
    }

    var stdoutLines: [String] { lock.withLock { lines } }
    var stderr: String { lock.withLock { stderrText } }

    /// Waits (polling the captured output) for a stdout line starting with `prefix`.
    func waitForLine(startingWith prefix: String, timeout: TimeInterval = 20) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = stdoutLines.first(where: { $0.hasPrefix(prefix) }) { return line }
            if !process.isRunning, let line = stdoutLines.first(where: { $0.hasPrefix(prefix) }) { return line }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("no line starting with \"\(prefix)\"; stdout: \(stdoutLines) stderr: \(stderr)")
    }

    /// Waits for `text` to appear on stderr (log lines) and returns everything seen so far.
    func waitForStderr(containing text: String, timeout: TimeInterval = 20) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var exitedAt: Date?
        while Date() < deadline {
            let seen = stderr
            if seen.contains(text) { return seen }
            // An exited process writes no more; waiting out the timeout would only hide why.
            // A short grace lets the reader drain what it wrote before exiting.
            if !process.isRunning {
                let exited = exitedAt ?? Date()
                exitedAt = exited
                if Date().timeIntervalSince(exited) > 0.3 { break }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let state = process.isRunning ? "" : " (exited with \(process.terminationStatus))"
        throw HarnessError("stderr never contained \"\(text)\"\(state): \(stderr)")
    }

    /// Waits for exit and returns the status, after the output readers drained.
    func wait(timeout: TimeInterval = 30) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                throw HarnessError("\(process.executableURL?.lastPathComponent ?? "process") did not exit; stderr: \(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        reader.wait()
        return process.terminationStatus
    }

    func terminate() { if process.isRunning { process.terminate() } }
}

/// Runs a command to completion and returns (status, stdout, stderr).
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> (Int32, String, String) {
    let child = try RunningProcess(executable, arguments, environment: environment)
    let status = try await child.wait()
    return (status, child.stdoutLines.joined(separator: "\n"), child.stderr)
}
