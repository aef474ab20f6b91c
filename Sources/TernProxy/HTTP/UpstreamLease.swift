import NIOCore
import NIOHTTP1

/// One request's use of an upstream: an HTTP/2 stream on a shared connection, or a pooled
/// HTTP/1 connection that goes back to its pool when the exchange is over.
protocol UpstreamLease: AnyObject {
    /// False while the upstream cannot take more request body; the exchange then stops
    /// reading the client and hears `upstreamWritabilityChanged` when it can.
    var isWritable: Bool { get }
    /// A new request starts on this upstream; its events go to `exchange`.
    func begin(_ exchange: any UpstreamEvents)
    func write(_ part: HTTPClientRequestPart)
    func flush()
    /// The exchange can take more of the response.
    func read()
    /// The exchange completed: both the request and the response ended. A pooled connection
    /// is reused only when both sides agreed to keep it alive.
    func finish(reusable: Bool)
    /// The exchange was cut short: reset the HTTP/2 stream, or close the HTTP/1 connection
    /// (it is mid-message and cannot be reused).
    func abort()
}

/// A pooled HTTP/1 connection lent to one request.
final class PooledUpstream: UpstreamLease {
    let channel: any Channel
    let relay: UpstreamRelay
    private let release: (_ reusable: Bool) -> Void
    private var finished = false

    init(channel: any Channel, relay: UpstreamRelay, release: @escaping (_ reusable: Bool) -> Void) {
        self.channel = channel
        self.relay = relay
        self.release = release
    }

    var isWritable: Bool { relay.isWritable }

    func begin(_ exchange: any UpstreamEvents) {
        relay.begin(exchange)
    }

    func write(_ part: HTTPClientRequestPart) {
        switch part {
        case .body:
            channel.write(part, promise: nil)
        case .head, .end:
            // A head or trailers the connection refuses must fail the exchange, not leave it
            // waiting for a response.
            let relay = self.relay
            let channel = self.channel
            let promise = channel.eventLoop.makePromise(of: Void.self)
            promise.futureResult.assumeIsolated().whenFailure { error in
                relay.writeFailed(error)
                channel.close(promise: nil)
            }
            channel.write(part, promise: promise)
        }
    }

    func flush() {
        channel.flush()
    }

    func read() {
        channel.read()
    }

    func finish(reusable: Bool) {
        guard !finished else { return }
        finished = true
        relay.exchange = nil
        release(reusable)
    }

    func abort() {
        guard !finished else { return }
        finished = true
        relay.exchange = nil
        channel.close(promise: nil)
        release(false)
    }
}
