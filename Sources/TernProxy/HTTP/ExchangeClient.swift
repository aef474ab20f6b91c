import NIOCore
import NIOHTTP1

/// The client side of a `ServerExchange`: an HTTP/1 connection or one HTTP/2 stream.
protocol ExchangeClient: AnyObject {
    /// False while the client cannot take more response; the exchange then stops reading the
    /// upstream until told otherwise.
    var isWritable: Bool { get }
    func write(_ part: HTTPServerResponsePart)
    /// Writes and flushes; with `thenClose`, an HTTP/1 connection is closed once the write
    /// left (an HTTP/2 stream ends with its message anyway).
    func writeAndFlush(_ part: HTTPServerResponsePart, thenClose: Bool)
    func flush()
    /// The exchange can take more of the request.
    func read()
    /// Cuts the client off: closes an HTTP/1 connection, resets an HTTP/2 stream.
    func close()
}

/// Puts a `ServerExchange` on an HTTP/1 connection: NIO's server codec (with pipelining help)
/// in front parses requests; this hands them to the exchange and writes its answers back.
final class HTTP1ExchangeHandler: ChannelInboundHandler, RemovableChannelHandler, ExchangeClient {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let forwarder: any HTTPForwarder
    private var exchange: ServerExchange!
    private var context: ChannelHandlerContext?

    init(forwarder: any HTTPForwarder) {
        self.forwarder = forwarder
        exchange = ServerExchange(forwarder: forwarder, multiplexed: false, client: self)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        exchange.clientWritabilityChanged(context.channel.isWritable)
        if context.channel.isActive { context.read() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        exchange.detachClient()
    }

    func channelActive(context: ChannelHandlerContext) {
        context.read()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .head(let head) = part, exchange.isIdle, ProxyHeaders.isUpgrade(head),
           forwarder.takeOverUpgrade(head, context: context) {
            return
        }
        exchange.clientRead(part)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        exchange.clientReadComplete()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        exchange.clientWritabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            return exchange.clientInputClosed()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        exchange.clientGone()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: ExchangeClient

    var isWritable: Bool { context?.channel.isWritable ?? false }

    func write(_ part: HTTPServerResponsePart) {
        context?.write(wrapOutboundOut(part), promise: nil)
    }

    func writeAndFlush(_ part: HTTPServerResponsePart, thenClose: Bool) {
        guard let context else { return }
        guard thenClose else { return context.writeAndFlush(wrapOutboundOut(part), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(part)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    func flush() {
        context?.flush()
    }

    func read() {
        context?.read()
    }

    func close() {
        context?.close(promise: nil)
    }
}
