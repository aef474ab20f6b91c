import Foundation
import TernLocal

#if canImport(Glibc)
import Glibc
#endif

/// `tern demo` (or `tern local up`) running in the background in a state directory of its
/// own. `stop()` sends SIGINT as Ctrl-C does and waits; `leftovers()` lists anything that
/// survived: processes, namespaces, the bridge, /etc/netns files, the state directory.
final class DemoRun: @unchecked Sendable {
    let stateDirectory: String
    let process: RunningProcess
    private(set) var record: RuntimeRecord?

    init(mode: RuntimeMode, arguments: [String] = ["demo"]) throws {
        stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-demo-it-\(UUID().uuidString.prefix(8))").path
        process = try RunningProcess("tern", arguments + ["--mode", mode.rawValue, "--state-dir", stateDirectory])
    }

    var layout: StateLayout { StateLayout(root: stateDirectory) }

    /// Waits for the runtime's record with `workloads` workloads.
    func waitUntilStarted(workloads: Int, timeout: TimeInterval = 60) async throws -> RuntimeRecord {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let record = RuntimeRecord.load(layout), record.workloads.count == workloads {
                self.record = record
                return record
            }
            guard process.process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw HarnessError("the runtime did not start \(workloads) workloads; stdout: \(process.stdoutLines.suffix(20)) stderr: \(process.stderr)")
    }

    /// The load generator's counters.
    func loadStats() async throws -> LoadStats? {
        guard let url = record?.workload(named: "load")?.applicationURL else { return nil }
        return try await offPool { BlockingHTTP.get("\(url)/stats").flatMap { LoadStats(json: $0.body) } }
    }

    /// Every proxy's metrics, parsed.
    func proxyMetrics() async throws -> [String: [PrometheusSample]] {
        let workloads = record?.workloads ?? []
        return try await offPool {
            var out: [String: [PrometheusSample]] = [:]
            for w in workloads { out[w.name] = BlockingHTTP.get("\(w.placement.adminURL)/metrics").map { PrometheusSample.parse($0.body) } ?? [] }
            return out
        }
    }

    /// Ctrl-C, then wait for the runtime to finish cleaning up.
    func stop() async throws -> Int32 {
        if process.process.isRunning { kill(process.process.processIdentifier, SIGINT) }
        return try await process.wait(timeout: 45)
    }

    /// What is still there after `stop()`; empty when the runtime left the machine clean.
    func leftovers() -> [String] {
        var found: [String] = []
        guard let record else { return ["no record was ever read"] }
        var pids = record.workloads.flatMap { [$0.applicationPID, $0.proxyPID] }.compactMap { $0 }
        if let controller = record.controller.pid { pids.append(controller) }
        for pid in pids where kill(pid, 0) == 0 { found.append("process \(pid)") }
        let namespaces = (try? ProcessRunner().run(["ip", "netns", "list"], stdin: nil).stdout) ?? ""
        for name in record.networkNamespaces where namespaces.contains(name) { found.append("netns \(name)") }
        for name in record.networkNamespaces where FileManager.default.fileExists(atPath: "/etc/netns/\(name)") { found.append("/etc/netns/\(name)") }
        if let bridge = record.bridge, (try? ProcessRunner().run(["ip", "link", "show", bridge], stdin: nil).status) == 0 { found.append("bridge \(bridge)") }
        if FileManager.default.fileExists(atPath: stateDirectory) { found.append(stateDirectory) }
        return found
    }

    /// Last resort for a failed test: remove whatever the record names.
    func forceCleanUp() {
        process.terminate()
        if let record { Supervisor.cleanUp(after: record, layout: layout) }
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func waitFor(_ what: String, timeout: TimeInterval, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(300))
    }
    throw HarnessError("timed out after \(Int(timeout))s waiting for \(what)")
}
