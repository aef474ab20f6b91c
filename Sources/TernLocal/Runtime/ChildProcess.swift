import Foundation

/// A supervised child: a Foundation `Process` with its output appended to a log file, and
/// restart bookkeeping (exponential backoff, reset after a healthy minute).
///
/// Foundation's `Process` rather than swift-subprocess: it is already linked by every Tern
/// executable, needs no new dependency to fetch and build, gives the pid for signals and
/// `isRunning` for the supervisor's polling loop, which is all supervision needs here.
public final class ChildProcess: @unchecked Sendable {
    public let name: String
    public let arguments: [String]
    let environment: [String: String]
    let logPath: String
    private let lock = NSLock()
    private var process: Process?
    private var startedAt = Date.distantPast
    private var nextStart = Date.distantPast
    private var backoff: TimeInterval = 0
    public private(set) var restarts = 0

    public init(name: String, arguments: [String], environment: [String: String], logPath: String) {
        self.name = name
        self.arguments = arguments
        self.environment = environment
        self.logPath = logPath
    }

    public var pid: Int32? { lock.withLock { process.map(\.processIdentifier) } }
    public var isRunning: Bool { lock.withLock { process?.isRunning ?? false } }

    public func start() throws {
        let process = Process()
        process.executableURL = try ProcessRunner.locate(arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = environment
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
        lock.withLock {
            self.process = process
            startedAt = Date()
        }
    }

    /// Restarts the child if it died and its backoff has passed. Returns a line for the log
    /// when something happened.
    public func superviseTick(now: Date = Date()) -> String? {
        lock.lock()
        guard let process, !process.isRunning else { lock.unlock(); return nil }
        if nextStart == .distantPast {
            // Just noticed: schedule the restart. A child that ran a minute was healthy.
            backoff = now.timeIntervalSince(startedAt) > 60 ? 1 : min(max(backoff * 2, 1), 30)
            nextStart = now.addingTimeInterval(backoff)
            let status = process.terminationStatus
            let reason = process.terminationReason == .uncaughtSignal ? "signal \(status)" : "status \(status)"
            lock.unlock()
            return "\(name) exited (\(reason)); restarting in \(Int(backoff))s"
        }
        guard now >= nextStart else { lock.unlock(); return nil }
        nextStart = .distantPast
        restarts += 1
        lock.unlock()
        do { try start() } catch { return "\(name) could not restart: \(error)" }
        return "\(name) restarted"
    }

    /// Sends SIGTERM without waiting, so several children stop at once.
    public func terminate() {
        guard let process = lock.withLock({ self.process }), process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
    }

    /// SIGTERM, then SIGKILL after `grace`; returns once the child is gone.
    public func stop(grace: TimeInterval = 5) {
        guard let process = lock.withLock({ self.process }) else { return }
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
