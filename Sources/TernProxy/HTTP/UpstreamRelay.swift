import NIOCore
import NIOHTTP1

/// What an exchange hears from the upstream stream serving its request.
protocol UpstreamEvents: AnyObject {
    func upstreamResponse(_ part: HTTPClientResponsePart)
    func upstreamReadComplete()
    func upstreamWritabilityChanged(_ writable: Bool)
    /// The stream ended before the response did (a reset, a closed connection, a protocol
    /// error). Not called after the response's end.
    func upstreamFailed(_ error: (any Error)?)
}

/// The last handler of an upstream stream's pipeline (an HTTP/2 stream channel or a pooled
/// HTTP/1 connection): hands response parts to the exchange currently using the stream.
/// Reading is driven by the exchange, so a slow client holds the upstream back.
final class UpstreamRelay: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// Held strongly while a request uses the connection; let go when it finishes or fails.
    var exchange: (any UpstreamEvents)?
    /// Set while a pooled HTTP/1 connection waits for its next request: any byte arriving then
    /// is a protocol violation and the connection is dropped.
    var idle = false
    private(set) var isWritable = true
    private var responseEnded = false

    /// A new request starts on this stream (pooled connections are reused).
    func begin(_ exchange: any UpstreamEvents) {
        self.exchange = exchange
        idle = false
        responseEnded = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard let exchange, !idle else {
            context.close(promise: nil)
            return
        }
        if case .end = part { responseEnded = true }
        exchange.upstreamResponse(part)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        exchange?.upstreamReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        isWritable = context.channel.isWritable
        exchange?.upstreamWritabilityChanged(isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        failIfOpen(nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failIfOpen(error)
        context.close(promise: nil)
    }

    /// A write of the request failed: the exchange ends with that error.
    func writeFailed(_ error: any Error) {
        failIfOpen(error)
    }

    private func failIfOpen(_ error: (any Error)?) {
        guard let exchange, !responseEnded else { return }
        self.exchange = nil
        exchange.upstreamFailed(error)
    }
}
