import NIOCore
import NIOHTTP1
import TernPolicy

/// Decides where a request accepted on one connection goes and opens its upstream stream.
/// One per accepted connection (shared by the streams of an HTTP/2 connection); used on the
/// connection's event loop only.
protocol HTTPForwarder: AnyObject {
    /// Opens an upstream stream for `head` and hands it over with the head to send on it, at
    /// once when discovery, policy and the connection are ready (the common case: no future,
    /// no task), else when they are. Fails with a `ProxyHTTPError` the caller answers with.
    func dispatch(_ head: HTTPRequestHead, then done: @escaping Dispatching)
    /// Counts a request the proxy answered itself.
    func recordLocalAnswer(_ head: HTTPRequestHead, error: ProxyHTTPError, since start: NIODeadline)
    /// An HTTP/1 request asking to switch protocols: the forwarder takes the connection over as
    /// opaque bytes (the request head re-encoded first). False when it cannot.
    func takeOverUpgrade(_ head: HTTPRequestHead, context: ChannelHandlerContext) -> Bool
}

typealias Dispatching = (Result<Dispatched, any Error>) -> Void

/// A request on its way: the stream it uses, the head to send (adjusted for the upstream's
/// protocol), where its metrics go and how the balancer learns its latency. Made, passed and
/// used on the one event loop that owns the connection and its upstream streams.
struct Dispatched {
    let lease: any UpstreamLease
    let head: HTTPRequestHead
    let recorder: RequestRecorder
    let feedback: EndpointFeedback?
}

/// Tells the balancer how a request to a chosen endpoint went, exactly once: latency to the
/// response's head (peak-EWMA), or a failure.
final class EndpointFeedback {
    private let pool: EndpointPool
    private let endpoint: Endpoint
    private let started = NIODeadline.now()
    private var reported = false

    init(pool: EndpointPool, endpoint: Endpoint) {
        self.pool = pool
        self.endpoint = endpoint
        pool.connectStarted(endpoint)
    }

    func responded() {
        guard !reported else { return }
        reported = true
        pool.connectSucceeded(endpoint, latencyNanos: UInt64(max(0, (NIODeadline.now() - started).nanoseconds)))
    }

    func failed() {
        guard !reported else { return }
        reported = true
        pool.connectFailed(endpoint)
    }

    deinit {
        // An exchange that ended without a response head (the client left) still releases
        // the endpoint's in-flight count.
        if !reported { pool.connectAbandoned(endpoint) }
    }
}
