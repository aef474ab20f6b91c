import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ServiceLifecycle
import Synchronization

/// One control-plane watch shared by every caller of its key (a destination path, an
/// outbound policy target).
protocol SharedWatch: AnyObject, Sendable {
    associatedtype Client: Sendable
    var key: String { get }
    /// Follows the watch's stream until cancelled (reconnecting on its own).
    func follow(_ client: Client, logger: Logger) async
    /// Releases anyone still waiting for a first answer; no stream will give one.
    func finish()
}

/// The bookkeeping both control-plane resolvers share (destination and outbound policy):
/// one watch per key, made on first use and handed to `run` to start its stream, marked used
/// on every lookup, forgotten (its stream cancelled) after `idleTimeout` unused, and released
/// when the resolver stops.
final class WatchTable<Watch: SharedWatch>: Sendable {
    private struct Entry {
        let watch: Watch
        var lastUsed: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// After `run()` returned: no new streams can start.
        var closed = false
    }

    private let state = Mutex(State())
    private let idleTimeout: Duration
    private let logger: Logger
    /// What the watches are about, for logs ("destination", "outbound policy").
    private let subject: String
    /// New watches, handed from `watch(for:)` to `run`, which starts their streams.
    private let requests: AsyncStream<Watch>
    private let requestSink: AsyncStream<Watch>.Continuation

    init(subject: String, idleTimeout: Duration, logger: Logger) {
        self.subject = subject
        self.idleTimeout = idleTimeout
        self.logger = logger
        (requests, requestSink) = AsyncStream.makeStream(of: Watch.self)
    }

    /// The watch for `key`, made with `make` (and its stream requested) on first use. Counts
    /// as a use. Nil once the resolver stopped.
    func watch(for key: String, make: (String) -> Watch) -> Watch? {
        let now = ContinuousClock.now
        let (watch, isNew) = state.withLock { s -> (Watch?, Bool) in
            if let entry = s.entries[key] {
                s.entries[key]?.lastUsed = now
                return (entry.watch, false)
            }
            guard !s.closed else { return (nil, false) }
            let watch = make(key)
            s.entries[key] = Entry(watch: watch, lastUsed: now)
            return (watch, true)
        }
        if let watch, isNew, case .terminated = requestSink.yield(watch) {
            // run() ended between the lookup and here: no stream will ever answer.
            watch.finish()
        }
        return watch
    }

    /// The watch of a key already watched, without making one: the per-request fast path.
    /// Counts as a use, so a busy key's watch is never evicted.
    func existing(_ key: String) -> Watch? {
        let now = ContinuousClock.now
        return state.withLock { s -> Watch? in
            guard let entry = s.entries[key] else { return nil }
            s.entries[key]?.lastUsed = now
            return entry.watch
        }
    }

    /// The keys watched now (diagnostics, tests).
    var keys: [String] { state.withLock { Array($0.entries.keys) } }

    /// Runs the gRPC connections and every watch's stream; returns on graceful shutdown (or
    /// cancellation), after which known watches keep their last answer and anything still
    /// waiting is released.
    func run(connections grpc: GRPCClient<HTTP2ClientTransport.Posix>, client: Watch.Client) async throws {
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
    }

    /// Starts a stream for every new watch; ends when the task is cancelled, after the
    /// watches (children of this group, cancelled with it) have ended.
    private func serveWatches(_ client: Watch.Client) async {
        await withDiscardingTaskGroup { watches in
            for await watch in requests {
                watches.addTask { await self.follow(watch, client: client) }
            }
        }
    }

    /// Runs one watch's stream until the watch has been idle for `idleTimeout` (then it is
    /// forgotten and its stream cancelled) or the resolver stops.
    private func follow(_ watch: Watch, client: Watch.Client) async {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await watch.follow(client, logger: self.logger)
                return false
            }
            group.addTask {
                await self.evictWhenIdle(watch)
                return true
            }
            // The stream child returns early only for a rejected key; the watch then lives
            // on (with no answer) until the idle child forgets it.
            while let idleEnded = await group.next() {
                if idleEnded { group.cancelAll() }
            }
        }
        watch.finish()
    }

    /// Sleeps until `watch` has gone unused for `idleTimeout`, then removes it; returns early
    /// when cancelled or when the watch is no longer the one registered for its key.
    private func evictWhenIdle(_ watch: Watch) async {
        while true {
            let wait: Duration? = state.withLock { s in
                guard let entry = s.entries[watch.key], entry.watch === watch else { return nil }
                let idle = ContinuousClock.now - entry.lastUsed
                if idle >= idleTimeout {
                    s.entries[watch.key] = nil
                    return .zero
                }
                return idleTimeout - idle
            }
            guard let wait else { return }
            if wait == .zero {
                logger.debug("\(subject) unused; stream closed", metadata: ["key": "\(watch.key)"])
                return
            }
            do { try await Task.sleep(for: wait) } catch { return }
        }
    }

    private func close() {
        requestSink.finish()
        let watches = state.withLock { s in
            s.closed = true
            return s.entries.values.map(\.watch)
        }
        for watch in watches { watch.finish() }
    }
}
