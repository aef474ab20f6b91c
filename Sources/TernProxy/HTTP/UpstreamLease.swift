import NIOCore
import NIOHTTP1

/// One request's use of an upstream stream: an HTTP/2 stream on a shared connection, or a
/// pooled HTTP/1 connection that goes back to its pool when the exchange is over.
final class UpstreamLease {
    let channel: any Channel
    let relay: UpstreamRelay
    private let release: ((_ reusable: Bool) -> Void)?
    private var finished = false

    /// `release` returns a pooled connection (nil for HTTP/2 streams, which end with the
    /// exchange by themselves).
    init(channel: any Channel, relay: UpstreamRelay, release: ((_ reusable: Bool) -> Void)?) {
        self.channel = channel
        self.relay = relay
        self.release = release
    }

    var isWritable: Bool { relay.isWritable }

    func write(_ part: HTTPClientRequestPart) {
        switch part {
        case .body:
            channel.write(part, promise: nil)
        case .head, .end:
            // A head or trailers the stream refuses (too large for the peer, a stream already
            // reset) must fail the exchange, not leave it waiting for a response.
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

    /// The exchange completed: both the request and the response ended. A pooled connection
    /// is reused only when both sides agreed to keep it alive.
    func finish(reusable: Bool) {
        guard !finished else { return }
        finished = true
        relay.exchange = nil
        if let release {
            release(reusable)
        }
    }

    /// The exchange was cut short: reset the HTTP/2 stream, or close the HTTP/1 connection
    /// (it is mid-message and cannot be reused).
    func abort() {
        guard !finished else { return }
        finished = true
        relay.exchange = nil
        channel.close(promise: nil)
        release?(false)
    }
}
