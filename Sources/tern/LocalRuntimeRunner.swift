import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TernLocal

extension RuntimeMode: ExpressibleByArgument {}

/// Runs a local runtime in the foreground until SIGINT/SIGTERM (`tern demo`, `tern local up`).
enum LocalRuntimeRunner {
    static func run(layout: StateLayout, requestedMode: RuntimeMode?, manifests: [(name: String, text: String)],
                    banner: @escaping @Sendable (RuntimeRecord) -> String) async throws {
        let choice: ModeChoice
        do { choice = try ModeChoice.choose(requested: requestedMode, host: HostProbe.capabilities()) } catch {
            throw ValidationError(error.description)
        }
        say("mode: \(choice.mode.rawValue) (\(choice.reason))")
        let configuration = RuntimeConfiguration(layout: layout, mode: choice, binaries: RuntimeConfiguration.ownDirectory,
                                                 initialManifests: manifests, log: { say($0) })
        let service = LocalRuntimeService(supervisor: Supervisor(config: configuration)) { record in say(banner(record)) }
        var logger = Logger(label: "tern.local")
        logger.logLevel = .warning
        let group = ServiceGroup(configuration: .init(services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        do {
            try await group.run()
        } catch let failure as Supervisor.Failure {
            FileHandle.standardError.write(Data("error: \(failure)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Progress on stdout, flushed at once: tests and users watch it live.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Stops the runtime recorded in `layout`: SIGTERM to its supervisor and wait, or, if the
    /// supervisor is gone, remove what its record lists.
    static func stop(_ layout: StateLayout) -> Bool {
        guard let record = RuntimeRecord.load(layout) else { return false }
        if kill(record.supervisorPID, 0) == 0 {
            kill(record.supervisorPID, SIGTERM)
            let deadline = Date().addingTimeInterval(30)
            while kill(record.supervisorPID, 0) == 0 && Date() < deadline { usleep(100_000) }
        }
        if FileManager.default.fileExists(atPath: layout.record) { Supervisor.cleanUp(after: record, layout: layout) }
        return true
    }

    /// The running runtime's state: `--state-dir`, else whichever of the local and demo
    /// defaults has a live supervisor.
    static func locate(_ explicit: String?) -> StateLayout {
        if explicit != nil { return StateLayout.resolve(explicit, demo: false) }
        let candidates = [StateLayout.resolve(nil, demo: false), StateLayout.resolve(nil, demo: true)]
        return candidates.first { layout in
            RuntimeRecord.load(layout).map { kill($0.supervisorPID, 0) == 0 } ?? false
        } ?? candidates[0]
    }
}
