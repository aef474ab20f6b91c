import Logging
import ServiceLifecycle
import Synchronization
import TernResources
import Testing

@testable import TernControl

/// The controller's real destination and outbound policy servers (ClusterStore +
/// DestinationService + OutboundPolicyService behind one gRPC listener) on a loopback port, fed manifests directly. It can be stopped and started again
/// on the same port with a fresh store, as a restarted controller would be.
final class DestinationTestServer: Sendable {
    private struct Life {
        let store: ClusterStore
        let group: ServiceGroup
        let stopped: AsyncStream<Void>
    }

    private struct State {
        var files: [String: [DecodedObject]] = [:]
        var life: Life?
        var port = 0
    }

    private let state = Mutex(State())
    private let tls: IdentityServerTLS?
    /// Lives handed to `runLives`, which runs each server inside the test's task tree.
    private let lives: AsyncStream<(ServiceGroup, AsyncStream<Void>.Continuation)>
    private let livesSink: AsyncStream<(ServiceGroup, AsyncStream<Void>.Continuation)>.Continuation

    private init(tls: IdentityServerTLS?) {
        self.tls = tls
        (lives, livesSink) = AsyncStream.makeStream()
    }

    /// Runs `body` with a started server; everything is stopped when it returns.
    static func with<T: Sendable>(tls: IdentityServerTLS? = nil, _ body: @Sendable (DestinationTestServer) async throws -> T) async throws -> T {
        let server = DestinationTestServer(tls: tls)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await server.runLives() }
            defer { server.livesSink.finish() }
            try await server.start()
            do {
                let result = try await body(server)
                await server.stop()
                return result
            } catch {
                await server.stop()
                throw error
            }
        }
    }

    private func runLives() async {
        for await (group, stopped) in lives {
            try? await group.run()
            stopped.finish()
        }
    }

    var port: Int { state.withLock { $0.port } }
    var store: ClusterStore? { state.withLock { $0.life?.store } }

    /// Starts a server (on the previous port after a stop) holding every current manifest.
    func start() async throws {
        let store = ClusterStore(synced: true)
        let port = self.port
        var logger = Logger(label: "test-destination")
        logger.logLevel = .warning
        let listener = GRPCListener(name: "destination", host: "127.0.0.1", port: port, services: [DestinationService(store: store), OutboundPolicyService(store: store)],
                                    transportSecurity: tls?.transportSecurity ?? .plaintext, logger: logger,
                                    onShutdown: { await store.closeAll() })
        let group = ServiceGroup(services: [listener], logger: logger)
        let (stopped, stoppedSink) = AsyncStream.makeStream(of: Void.self)
        let objects = state.withLock { $0.files.values.flatMap { $0 } }
        await store.apply(objects.map { .applied($0) } + [.synced])
        livesSink.yield((group, stoppedSink))
        let bound = try await eventually("the destination server listens") { try? await listener.boundPort() }
        state.withLock { s in
            s.life = Life(store: store, group: group, stopped: stopped)
            s.port = bound
        }
    }

    /// Stops the server the way a controller shuts down: streams end, the port closes.
    func stop() async {
        guard let life = state.withLock({ s -> Life? in defer { s.life = nil }; return s.life }) else { return }
        await life.group.triggerGracefulShutdown()
        for await _ in life.stopped {}
    }

    /// Adds or replaces the objects of one manifest file (as the directory source would).
    func apply(_ file: String, _ yaml: String) async {
        let result = ManifestParser().parse(text: yaml, file: file)
        #expect(result.errors.isEmpty, "\(result.errors.map(\.description))")
        let (old, store) = state.withLock { s -> ([DecodedObject], ClusterStore?) in
            defer { s.files[file] = result.objects }
            return (s.files[file] ?? [], s.life?.store)
        }
        let kept = Set(result.objects.map(\.key))
        let events = old.map(\.key).filter { !kept.contains($0) }.map { SourceEvent.deleted($0) } + result.objects.map { .applied($0) }
        await store?.apply(events)
    }

    /// Deletes the objects of one manifest file.
    func remove(_ file: String) async {
        let (old, store) = state.withLock { s in (s.files.removeValue(forKey: file) ?? [], s.life?.store) }
        await store?.apply(old.map { .deleted($0.key) })
    }
}

/// Polls `probe` every 20 ms until it returns a value, failing the test after `timeout`.
/// Async sleeps only: the cooperative pool stays free for the code under test.
@discardableResult
func eventually<T: Sendable>(_ what: String, timeout: Duration = .seconds(15),
                             _ probe: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = try await probe() { return value }
        if ContinuousClock.now >= deadline {
            Issue.record("timed out waiting: \(what)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// Waits until `condition` holds (see `eventually`).
func waitUntil(_ what: String, timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async throws {
    try await eventually(what, timeout: timeout) { try await condition() ? true : nil }
}
