import NIOCore
import TernCore
import TernPolicy

/// How a request reaches an upstream: multiplexed on an HTTP/2 connection (to a meshed peer
/// over mTLS, or h2c), or on a pooled HTTP/1 connection.
enum UpstreamRoute {
    case multiplexed(DialTarget)
    case http1(DialTarget)

    /// One connection (or pool) per distinct key. A mesh key includes the expected identity
    /// and target port, so two services on one pod never share a connection's header. Hashed
    /// as values: spelling the key out as text cost more than the rest of a lookup.
    var key: UpstreamKey {
        switch self {
        case .multiplexed(let target): return UpstreamKey(multiplexed: true, target)
        case .http1(let target): return UpstreamKey(multiplexed: false, target)
        }
    }
}

/// Identifies an upstream connection (or HTTP/1 pool) in `UpstreamSessions`.
struct UpstreamKey: Hashable {
    private let multiplexed: Bool
    private let address: SocketAddress?
    private let host: String?
    private let port: Int
    private let identity: MeshIdentity?

    init(multiplexed: Bool, _ target: DialTarget) {
        self.multiplexed = multiplexed
        switch target {
        case .plain(let address):
            (self.address, host, port, identity) = (address, nil, 0, nil)
        case .name(let host, let port):
            (address, self.host, self.port, identity) = (nil, host, port, nil)
        case .mesh(let address, let identity, let header):
            (self.address, host, port, self.identity) = (address, nil, Int(header.port), identity)
        }
    }
}

/// The upstream HTTP connections of one event loop, shared by every request on that loop:
/// an HTTP/2 session per endpoint and an HTTP/1 pool per address. Keeping them per loop means
/// a request and its upstream stream always share a thread and never take a lock.
final class UpstreamSessions {
    private let loop: any EventLoop
    private let dialer: UpstreamDialer
    private let metrics: TransportMetrics
    private var sessions: [UpstreamKey: H2Session] = [:]
    private var pools: [UpstreamKey: H1ConnectionPool] = [:]
    /// Pools without idle connections are dropped once this many addresses were seen, so a
    /// workload calling many distinct unmeshed addresses does not grow the table for ever.
    private static let poolsBeforeSweep = 256

    init(loop: any EventLoop, dialer: UpstreamDialer, metrics: TransportMetrics) {
        self.loop = loop
        self.dialer = dialer
        self.metrics = metrics
    }

    /// Dials `target` and puts the connection's TCP meter where its plaintext flows (behind
    /// TLS for a mesh connection), before any HTTP handler.
    private func dial(_ target: DialTarget, labels: TrafficLabels) -> EventLoopFuture<any Channel> {
        let metrics = self.metrics
        return dialer.dial(target, on: loop).flatMapThrowing { channel in
            try channel.pipeline.syncOperations.addHandler(MeteredConnection(ConnectionMeter(metrics.connection(labels))))
            return channel
        }
    }

    /// A stream for one request, handed to `opened` at once when its connection is up.
    /// Fails (with nothing of the request sent) when the endpoint cannot be reached, so the
    /// caller may try another one. `labels` name a new connection in the TCP metrics; an
    /// existing one keeps its own.
    func open(_ route: UpstreamRoute, labels: @autoclosure () -> TrafficLabels, _ opened: @escaping H2Session.Opened) {
        let key = route.key
        switch route {
        case .multiplexed(let target):
            if let session = sessions[key], !session.isClosed {
                return session.openStream(opened)
            }
            let session = H2Session(loop: loop, connect: dial(target, labels: labels())) { [weak self] in
                guard let self, let current = self.sessions[key], current.isClosed else { return }
                self.sessions[key] = nil
            }
            sessions[key] = session
            session.openStream(opened)
        case .http1(let target):
            let pool: H1ConnectionPool
            if let existing = pools[key] {
                pool = existing
            } else {
                if pools.count >= Self.poolsBeforeSweep {
                    pools = pools.filter { !$0.value.isEmpty }
                }
                let labels = labels()
                // The sessions of a loop live as long as the proxy, so the pool may hold them.
                pool = H1ConnectionPool(loop: loop) { self.dial(target, labels: labels) }
                pools[key] = pool
            }
            pool.acquire(opened)
        }
    }
}

/// One value per event loop of a group, reached from code running on that loop.
final class PerEventLoop<Value>: Sendable {
    private let values: [ObjectIdentifier: NIOLoopBoundBox<Value>]

    /// Runs at startup, off the loops: each value is handed to its loop and used only there.
    init(_ group: any EventLoopGroup, make: (any EventLoop) -> sending Value) {
        var values: [ObjectIdentifier: NIOLoopBoundBox<Value>] = [:]
        for loop in group.makeIterator() {
            values[ObjectIdentifier(loop)] = NIOLoopBoundBox.makeBoxSendingValue(make(loop), eventLoop: loop)
        }
        self.values = values
    }

    /// The value of `loop`; must be called on `loop`.
    func on(_ loop: any EventLoop) -> Value {
        guard let bound = values[ObjectIdentifier(loop)] else {
            preconditionFailure("event loop outside the proxy's group")
        }
        return bound.value
    }
}
