import Logging
import ServiceLifecycle
import Synchronization
import X509

/// Service discovery for the outbound side: turns a connection's destination (an original
/// address or an authority) into a live endpoint pool, through one `Destination.Get` stream
/// per path shared by every caller.
///
/// A warm `resolve` is a dictionary lookup under a lock and never waits or does I/O; only the
/// first caller(s) of a path wait, up to `firstAnswerTimeout`. All streams run inside `run()`
/// (which owns the gRPC client), so graceful shutdown ends them all.
public final class DestinationResolver: Sendable, ServiceLifecycle.Service {
    private struct Entry {
        let watch: DestinationWatch
        var lastUsed: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// After `run()` returned: no new streams can start, so new paths are unknown.
        var closed = false
    }

    public let address: HostPort
    private let serverName: String?
    private let trustAnchors: [Certificate]?
    private let caller: CallerIdentity
    private let logger: Logger
    private let firstAnswerTimeout: Duration
    private let idleTimeout: Duration
    private let state = Mutex(State())
    /// New watches, handed from `resolve` to `run`, which starts their streams.
    private let requests: AsyncStream<DestinationWatch>
    private let requestSink: AsyncStream<DestinationWatch>.Continuation

    /// `trustAnchors` nil: plaintext (loopback testing). Otherwise TLS, and the controller
    /// must present a certificate for `serverName` (TERN_PROXY_DESTINATION_SVC_NAME) that
    /// chains to the anchors.
    public init(address: HostPort, serverName: String?, trustAnchors: [Certificate]?, caller: CallerIdentity, logger: Logger,
                firstAnswerTimeout: Duration = .seconds(2), idleTimeout: Duration = .seconds(300)) {
        self.address = address
        self.serverName = serverName
        self.trustAnchors = trustAnchors
        self.caller = caller
        self.logger = logger
        self.firstAnswerTimeout = firstAnswerTimeout
        self.idleTimeout = idleTimeout
        (requests, requestSink) = AsyncStream.makeStream(of: DestinationWatch.self)
    }

    /// `path`: "10.0.0.1:80", "[fd00::1]:80" (original destination) or an authority
    /// "web.ns.svc.cluster.local:80" (explicit mode). Paths are used as given: callers pass
    /// one spelling per destination so they share one stream.
    public func resolve(_ path: String) async -> Resolution {
        let now = ContinuousClock.now
        let (watch, isNew) = state.withLock { s -> (DestinationWatch?, Bool) in
            if let entry = s.entries[path] {
                s.entries[path]?.lastUsed = now
                return (entry.watch, false)
            }
            guard !s.closed else { return (nil, false) }
            let watch = DestinationWatch(path: path)
            s.entries[path] = Entry(watch: watch, lastUsed: now)
            return (watch, true)
        }
        guard let watch else { return .unknown }
        if isNew, case .terminated = requestSink.yield(watch) {
            // run() ended between the lookup and here: no stream will ever answer.
            watch.finish()
        }
        if let answer = watch.currentResolution { return answer }
        return await watch.answer(within: firstAnswerTimeout)
    }

    /// The answer for a path already watched and answered, without suspending: the per-request
    /// fast path of HTTP routing. Counts as a use, so a busy path's watch is never evicted.
    /// Nil when the path is new or still waiting for its first answer (then call `resolve`).
    public func resolveCached(_ path: String) -> Resolution? {
        let now = ContinuousClock.now
        let watch = state.withLock { s -> DestinationWatch? in
            guard s.entries[path] != nil else { return nil }
            s.entries[path]?.lastUsed = now
            return s.entries[path]?.watch
        }
        return watch?.currentResolution
    }

    /// The paths watched now (diagnostics, tests).
    public var watchedPaths: [String] { state.withLock { Array($0.entries.keys) } }

    /// Owns the gRPC client and every watch; returns on graceful shutdown (or cancellation).
    /// Meant to run once.
    public func run() async throws {
        let grpc = try DestinationClient.makeGRPCClient(address: address, serverName: serverName, trustAnchors: trustAnchors)
        let client = DestinationClient(grpc: grpc, caller: caller)
        defer { close() }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await grpc.runConnections()
                return true
            }
            group.addTask {
                await cancelWhenGracefulShutdown { await self.serveWatches(client) }
                return false
            }
            // Shutdown ends the watches first; the client then closes its connection once
            // their calls are gone. A client that stopped on its own leaves the watches
            // nothing to use, so they are cancelled.
            while let clientEnded = try await group.next() {
                if clientEnded { group.cancelAll() } else { grpc.beginGracefulShutdown() }
            }
        }
        logger.debug("destination resolver stopped")
    }

    /// Starts a stream for every new watch; ends when the task is cancelled, after the
    /// watches (children of this group, cancelled with it) have ended.
    private func serveWatches(_ client: DestinationClient) async {
        await withDiscardingTaskGroup { watches in
            for await watch in requests {
                watches.addTask { await self.follow(watch, client: client) }
            }
        }
    }

    /// Runs one watch's stream until the watch has been idle for `idleTimeout` (then it is
    /// forgotten and its stream cancelled) or the resolver stops.
    private func follow(_ watch: DestinationWatch, client: DestinationClient) async {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await watch.follow(client, logger: self.logger)
                return false
            }
            group.addTask {
                await self.evictWhenIdle(watch)
                return true
            }
            // The stream child returns early only for a rejected path; the watch then lives on
            // (answering unknown) until the idle child forgets it.
            while let idleEnded = await group.next() {
                if idleEnded { group.cancelAll() }
            }
        }
        watch.finish()
    }

    /// Sleeps until `watch` has gone unused for `idleTimeout`, then removes it; returns early
    /// when cancelled or when the watch is no longer the one registered for its path.
    private func evictWhenIdle(_ watch: DestinationWatch) async {
        while true {
            let wait: Duration? = state.withLock { s in
                guard let entry = s.entries[watch.path], entry.watch === watch else { return nil }
                let idle = ContinuousClock.now - entry.lastUsed
                if idle >= idleTimeout {
                    s.entries[watch.path] = nil
                    return .zero
                }
                return idleTimeout - idle
            }
            guard let wait else { return }
            if wait == .zero {
                logger.debug("destination unused; stream closed", metadata: ["path": "\(watch.path)"])
                return
            }
            do { try await Task.sleep(for: wait) } catch { return }
        }
    }

    /// After `run()`: known pools keep answering as they were; anything still waiting is told
    /// `.unknown`, and new paths are unknown at once.
    private func close() {
        requestSink.finish()
        let watches = state.withLock { s in
            s.closed = true
            return s.entries.values.map(\.watch)
        }
        for watch in watches { watch.finish() }
    }
}
