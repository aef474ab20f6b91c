import NIOCore
import NIOHTTP1

/// Keep-alive HTTP/1 connections to one upstream address (an unmeshed endpoint, or the local
/// application behind the inbound proxy). A connection serves one request at a time and goes
/// back to the pool when both messages ended and neither side asked to close.
final class H1ConnectionPool {
    /// Idle connections kept per address; more are closed when released.
    static let maxIdle = 64
    /// How long an idle connection is kept before it is closed.
    static let idleTimeout = TimeAmount.seconds(60)
    /// How often idle connections are checked for expiry.
    static let sweepInterval = TimeAmount.seconds(15)

    private struct Idle {
        let channel: any Channel
        let relay: UpstreamRelay
        let since: NIODeadline
    }

    private let loop: any EventLoop
    private let dial: () -> EventLoopFuture<any Channel>
    private var idle: [Idle] = []
    /// One sweep runs while connections are idle; a timer per released connection cost a
    /// schedule and a cancel on every request.
    private var sweepScheduled = false

    init(loop: any EventLoop, dial: @escaping () -> EventLoopFuture<any Channel>) {
        self.loop = loop
        self.dial = dial
    }

    var isEmpty: Bool { idle.isEmpty }

    /// A connection for one request: an idle one at once, else a new one once it connected.
    func acquire(_ acquired: @escaping (Result<any UpstreamLease, any Error>) -> Void) {
        while let next = idle.popLast() {
            if next.channel.isActive {
                return acquired(.success(lease(next.channel, relay: next.relay)))
            }
        }
        dial().assumeIsolated().whenComplete { result in
            acquired(result.flatMap { channel in Result { try self.prepare(channel) } })
        }
    }

    private func prepare(_ channel: any Channel) throws -> any UpstreamLease {
        let sync = channel.pipeline.syncOperations
        // NIO's default client pipeline drops 1xx responses; a proxy must pass `100 Continue`
        // on, or a client waiting for it never sends its body. Same handlers and order as
        // `addHTTPClientHandlers`, with informational responses forwarded.
        let decoder = HTTPResponseDecoder(leftOverBytesStrategy: .fireError, informationalResponseStrategy: .forward)
        // No outbound header validation: the request's headers were validated where they came in.
        try sync.addHandlers([HTTPRequestEncoder(), ByteToMessageHandler(decoder)])
        let relay = UpstreamRelay()
        try sync.addHandler(relay)
        let id = ObjectIdentifier(channel)
        channel.closeFuture.assumeIsolated().whenComplete { _ in self.remove(id) }
        return lease(channel, relay: relay)
    }

    private func lease(_ channel: any Channel, relay: UpstreamRelay) -> any UpstreamLease {
        PooledUpstream(channel: channel, relay: relay) { reusable in
            self.release(channel, relay: relay, reusable: reusable)
        }
    }

    private func release(_ channel: any Channel, relay: UpstreamRelay, reusable: Bool) {
        guard reusable, channel.isActive, idle.count < Self.maxIdle else {
            channel.close(promise: nil)
            return
        }
        relay.idle = true
        idle.append(Idle(channel: channel, relay: relay, since: .now()))
        scheduleSweep()
        // Reading while idle is how a close by the server is noticed before the connection is
        // handed to the next request.
        channel.read()
    }

    /// Closes connections idle for longer than `idleTimeout`, checking again while any are left.
    private func scheduleSweep() {
        guard !sweepScheduled else { return }
        sweepScheduled = true
        loop.assumeIsolated().scheduleTask(in: Self.sweepInterval) {
            self.sweepScheduled = false
            let expired = NIODeadline.now() - Self.idleTimeout
            // Oldest first: released connections are appended, reused ones popped from the end.
            while let oldest = self.idle.first, oldest.since < expired {
                self.idle.removeFirst()
                oldest.channel.close(promise: nil)
            }
            if !self.idle.isEmpty { self.scheduleSweep() }
        }
    }

    private func remove(_ id: ObjectIdentifier) {
        idle.removeAll { ObjectIdentifier($0.channel) == id }
    }
}
