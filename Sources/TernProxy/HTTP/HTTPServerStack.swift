import Logging
import NIOCore
import NIOHTTP1
import NIOHTTP2
import TernPolicy

/// Puts HTTP handling on an accepted connection once its protocol is known. HTTP/1: NIO's
/// server codec (with pipelining help, so responses leave in request order), the proxy's own
/// answers to malformed requests, and one exchange for the connection. HTTP/2: one frame-level
/// connection handler, and an exchange per stream, all sharing the connection's forwarder.
enum HTTPServerStack {
    static func installHTTP1(on pipeline: ChannelPipeline.SynchronousOperations, forwarder: any HTTPForwarder) throws {
        // No outbound header validation: what the proxy writes was parsed and validated
        // where it came in (llhttp, or NIO's HPACK validation) or is the proxy's own.
        try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: true, withServerUpgrade: nil,
                                                 withErrorHandling: false, withOutboundHeaderValidation: false)
        try pipeline.addHandler(HTTPDecodeErrorResponder())
        try pipeline.addHandler(HTTP1ExchangeHandler(forwarder: forwarder))
    }

    static func installHTTP2(on channel: any Channel, forwarder: any HTTPForwarder) throws {
        let connection = H2Connection(eventLoop: channel.eventLoop) { id, connection in
            H2RequestStream(id: id, connection: connection, forwarder: forwarder)
        }
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(NIOHTTP2Handler(mode: .server, connectionConfiguration: HTTP2Tuning.connection(server: true),
                                            streamConfiguration: HTTP2Tuning.stream))
        try sync.addHandler(connection)
        try sync.addHandler(CloseOnInputClosed())
        // The connection reads all the time; streams' windows hold clients back.
        try channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
    }

    /// Puts the connection's meter and the HTTP stack for `clientProtocol` behind the setup
    /// handler of `context`; the caller then hands its bytes over and steps aside.
    static func install(_ clientProtocol: SessionProtocol, behind context: ChannelHandlerContext, meter: ConnectionMeter,
                        forwarder: any HTTPForwarder) throws {
        let pipeline = context.pipeline.syncOperations
        try pipeline.addHandler(MeteredConnection(meter))
        if clientProtocol == .http2 {
            try installHTTP2(on: context.channel, forwarder: forwarder)
        } else {
            try installHTTP1(on: pipeline, forwarder: forwarder)
        }
    }

    /// An HTTP/1 connection whose request switched protocols: the HTTP handlers leave and
    /// `setup` (a handler that forwards bytes, starting with the request) takes their place
    /// behind the connection's meter. A connection that cannot be switched is closed.
    static func switchToOpaque(_ context: ChannelHandlerContext, setup: any ChannelHandler, logger: Logger) {
        let pipeline = context.pipeline.syncOperations
        do {
            let meter = try pipeline.handler(type: MeteredConnection.self)
            try removeHTTP1(from: pipeline)
            try pipeline.addHandler(setup, position: .after(meter))
        } catch {
            logger.debug("cannot switch an upgraded connection to opaque", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    /// Takes the HTTP/1 handlers out of a connection that switches protocols. The decoder
    /// stopped parsing at the upgrade request; bytes it held after it are dropped, which is
    /// safe for clients that wait for `101` before sending (WebSocket clients do).
    static func removeHTTP1(from pipeline: ChannelPipeline.SynchronousOperations) throws {
        try pipeline.removeHandler(pipeline.handler(type: HTTP1ExchangeHandler.self), promise: nil)
        try pipeline.removeHandler(pipeline.handler(type: HTTPDecodeErrorResponder.self), promise: nil)
        try pipeline.removeHandler(pipeline.handler(type: HTTPServerPipelineHandler.self), promise: nil)
        try pipeline.removeHandler(pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self), promise: nil)
        try pipeline.removeHandler(pipeline.handler(type: HTTPResponseEncoder.self), promise: nil)
    }
}

/// Answers a request the HTTP/1 decoder could not parse: 431 when its head is too large, 400
/// otherwise, each with `l5d-proxy-error`; then closes, since the stream can no longer be
/// framed. A response already under way is cut off instead.
final class HTTPDecodeErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var responseInFlight = false
    private var failed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200: responseInFlight = true
        case .end: responseInFlight = false
        default: break
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        guard !failed else { return }
        failed = true
        guard !responseInFlight else { return context.close(promise: nil) }
        let answer = parserError == .headerOverflow
            ? ProxyHTTPError(.headersTooLarge, "the request head is over 80 KiB")
            : ProxyHTTPError(.badRequest, "malformed HTTP/1 request (\(parserError))")
        let (head, _) = answer.responseParts(grpc: false, keepAlive: false)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

/// An HTTP/2 client that half-closes its connection sends nothing more, not even the frames
/// that would end its streams: the connection is closed rather than kept half open.
final class CloseOnInputClosed: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
