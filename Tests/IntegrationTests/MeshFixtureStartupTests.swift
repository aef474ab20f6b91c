import Foundation
import Testing

/// A mesh whose startup fails midway stops what it had started: a test that fails to set up
/// must not leave a controller or proxies running (they hold ports and CPU for the rest of
/// the run) nor its temporary directory behind.
@Suite(.serialized) struct MeshFixtureStartupTests {
    @Test func aControllerThatRejectsItsFlagsFailsFastAndLeavesNothingBehind() async throws {
        let began = ContinuousClock.now
        let failure = try await startupFailure {
            try await MeshFixture.start { mesh in try await mesh.startController(extraArguments: ["--no-such-flag"]) }
        }
        // The controller exits at once; the fixture says so instead of waiting out its timeout.
        #expect(ContinuousClock.now - began < .seconds(10))
        #expect("\(failure.underlying)".contains("no-such-flag"), "\(failure.underlying)")
        #expect(failure.processIdentifiers.count == 1)
        expectNothingLeft(of: failure)
    }

    /// The last step fails (the client proxy rejects its configuration and exits), after a
    /// controller, a server proxy and the application server are up.
    ///
    /// A taken outbound port would be the more natural failure, but the proxy does not exit
    /// then: its listener's bind fails and the service group cancels, yet the process stays
    /// up (not ready) and ignores SIGTERM until killed, which would cost this test a minute.
    @Test func anHTTPMeshWhoseClientProxyCannotStartStopsEverythingItStarted() async throws {
        let failure = try await startupFailure {
            try await HTTPMesh.with(clientProxyEnvironment: ["TERN_PROXY_OUTBOUND_PORT": "not-a-port"]) { _ in
                Issue.record("the body ran although the client proxy cannot start")
            }
        }
        #expect("\(failure.underlying)".contains("tern-proxy exited"), "\(failure.underlying)")
        // Controller, server proxy and the client proxy that failed.
        #expect(failure.processIdentifiers.count == 3)
        expectNothingLeft(of: failure)
    }

    @Test func anEchoMeshStartsAndStopsCleanly() async throws {
        var dir = ""
        var started: [Int32] = []
        try await EchoMesh.with(.echo) { pair in
            dir = pair.mesh.dir
            started = pair.mesh.processIdentifiers
            #expect(started.allSatisfy(ProcessTable.isAlive))
        }
        #expect(started.count == 3)
        #expect(started.filter(ProcessTable.isAlive).isEmpty)
        #expect(ProcessTable.processes(mentioning: dir).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: dir))
    }

    private func startupFailure(_ startup: () async throws -> Void) async throws -> MeshStartupError {
        do {
            try await startup()
        } catch let failure as MeshStartupError {
            return failure
        }
        throw HarnessError("the mesh started although its startup was meant to fail")
    }

    private func expectNothingLeft(of failure: MeshStartupError) {
        let alive = failure.processIdentifiers.filter(ProcessTable.isAlive)
        #expect(alive.isEmpty, "still running: \(alive)")
        let mentioning = ProcessTable.processes(mentioning: failure.dir)
        #expect(mentioning.isEmpty, "processes started with the mesh's directory: \(mentioning)")
        #expect(!FileManager.default.fileExists(atPath: failure.dir), "\(failure.dir) is still there")
    }
}
