import Logging
import ServiceLifecycle
import Synchronization
import X509

/// Outbound policy for the proxy: turns a destination (an original address or an authority)
/// into a live `PolicyHandle`, through one `OutboundPolicies.Watch` stream per target shared by
/// every caller.
///
/// A warm `policy(for:)` is a dictionary lookup under a lock and never waits or does I/O;
/// only the first caller(s) of a target wait, up to `firstAnswerTimeout`. All streams run
/// inside `run()` (which owns the gRPC client), so graceful shutdown ends them all.
public final class OutboundPolicyResolver: Sendable, ServiceLifecycle.Service {
    private struct Entry {
        let watch: PolicyWatch
        var lastUsed: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// After `run()` returned: no new streams can start, so new targets get no policy.
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
    /// New watches, handed from `policy(for:)` to `run`, which starts their streams.
    private let requests: AsyncStream<PolicyWatch>
    private let requestSink: AsyncStream<PolicyWatch>.Continuation

    /// `address`: the policy service (ProxyConfig.policyAddress). `trustAnchors` nil:
    /// plaintext (loopback testing). Otherwise TLS, and the controller must present a
    /// certificate for `serverName` that chains to the anchors. `caller.namespace` selects the
    /// consumer routes that apply to this proxy.
    public init(address: HostPort, serverName: String?, trustAnchors: [Certificate]?, caller: CallerIdentity, logger: Logger,
                firstAnswerTimeout: Duration = .seconds(2), idleTimeout: Duration = .seconds(300)) {
        self.address = address
        self.serverName = serverName
        self.trustAnchors = trustAnchors
        self.caller = caller
        self.logger = logger
        self.firstAnswerTimeout = firstAnswerTimeout
        self.idleTimeout = idleTimeout
        (requests, requestSink) = AsyncStream.makeStream(of: PolicyWatch.self)
    }

    /// `target`: the same text the destination resolver is asked about ("10.96.0.10:80",
    /// "[fd00::1]:80" or "web.ns.svc.cluster.local:80", i.e. `OutboundTarget.discoveryPath`).
    /// Targets are used as given: callers pass one spelling per destination so they share one
    /// stream. The handle is the same object for every caller while the target is watched.
    public func policy(for target: String) async -> PolicyHandle {
        let now = ContinuousClock.now
        let (watch, isNew) = state.withLock { s -> (PolicyWatch?, Bool) in
            if let entry = s.entries[target] {
                s.entries[target]?.lastUsed = now
                return (entry.watch, false)
            }
            guard !s.closed else { return (nil, false) }
            let watch = PolicyWatch(target: target)
            s.entries[target] = Entry(watch: watch, lastUsed: now)
            return (watch, true)
        }
        // Stopped: an empty handle nobody will fill (no policy, as with no controller).
        guard let watch else { return PolicyHandle(target: target) }
        if isNew, case .terminated = requestSink.yield(watch) {
            // run() ended between the lookup and here: no stream will ever answer.
            watch.finish()
        }
        await watch.answer(within: firstAnswerTimeout)
        return watch.handle
    }

    /// The handle of a target already watched, without suspending: the per-request fast path.
    /// Counts as a use, so a busy target's watch is never evicted. Nil for a new target (then
    /// call `policy(for:)`, which waits for the first answer).
    public func cachedPolicy(for target: String) -> PolicyHandle? {
        let now = ContinuousClock.now
        return state.withLock { s -> PolicyHandle? in
            guard let entry = s.entries[target] else { return nil }
            s.entries[target]?.lastUsed = now
            return entry.watch.handle
        }
    }

    /// The targets watched now (diagnostics, tests).
    public var watchedTargets: [String] { state.withLock { Array($0.entries.keys) } }

    /// Owns the gRPC client and every watch; returns on graceful shutdown (or cancellation).
    /// Meant to run once.
    public func run() async throws {
        let grpc = try DestinationClient.makeGRPCClient(address: address, serverName: serverName, trustAnchors: trustAnchors)
        let client = OutboundPolicyClient(grpc: grpc, caller: caller)
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
        logger.debug("outbound policy resolver stopped")
    }

    /// Starts a stream for every new watch; ends when the task is cancelled, after the
    /// watches (children of this group, cancelled with it) have ended.
    private func serveWatches(_ client: OutboundPolicyClient) async {
        await withDiscardingTaskGroup { watches in
            for await watch in requests {
                watches.addTask { await self.follow(watch, client: client) }
            }
        }
    }

    /// Runs one watch's stream until the watch has been idle for `idleTimeout` (then it is
    /// forgotten and its stream cancelled) or the resolver stops.
    private func follow(_ watch: PolicyWatch, client: OutboundPolicyClient) async {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await watch.follow(client, logger: self.logger)
                return false
            }
            group.addTask {
                await self.evictWhenIdle(watch)
                return true
            }
            // The stream child returns early only for a rejected target; the watch then lives
            // on (no policy) until the idle child forgets it.
            while let idleEnded = await group.next() {
                if idleEnded { group.cancelAll() }
            }
        }
        watch.finish()
    }

    /// Sleeps until `watch` has gone unused for `idleTimeout`, then removes it; returns early
    /// when cancelled or when the watch is no longer the one registered for its target.
    private func evictWhenIdle(_ watch: PolicyWatch) async {
        while true {
            let wait: Duration? = state.withLock { s in
                guard let entry = s.entries[watch.target], entry.watch === watch else { return nil }
                let idle = ContinuousClock.now - entry.lastUsed
                if idle >= idleTimeout {
                    s.entries[watch.target] = nil
                    return .zero
                }
                return idleTimeout - idle
            }
            guard let wait else { return }
            if wait == .zero {
                logger.debug("outbound policy unused; stream closed", metadata: ["target": "\(watch.target)"])
                return
            }
            do { try await Task.sleep(for: wait) } catch { return }
        }
    }

    /// After `run()`: known handles keep their policy; anything still waiting is released,
    /// and new targets get an empty handle at once.
    private func close() {
        requestSink.finish()
        let watches = state.withLock { s in
            s.closed = true
            return s.entries.values.map(\.watch)
        }
        for watch in watches { watch.finish() }
    }
}
