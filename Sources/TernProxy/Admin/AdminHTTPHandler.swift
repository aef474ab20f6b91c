import NIOCore
import NIOHTTP1

/// Limits that keep a misbehaving client from making the admin server buffer much.
struct AdminLimits: Sendable {
    /// Request line plus headers. Real probes and scrapers send a few hundred bytes.
    var maxHeadBytes = 8 * 1024
    /// The only body the API takes is a log level.
    var maxBodyBytes = 1024
}

/// Collects one request at a time from NIO's HTTP/1.1 decoder, answers it from the routes on
/// the event loop (every route is a quick in-memory read), and refuses oversized input with
/// 431/413 before closing. Parse errors are answered with 400 by NIO's error handler ahead of
/// this one.
final class AdminHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case reading(HTTPRequestHead, ByteBuffer)
        /// An oversized request was refused; its remaining parts are dropped until close.
        case refused
    }

    private let routes: AdminRoutes
    private let limits: AdminLimits
    private var state = State.idle

    init(routes: AdminRoutes, limits: AdminLimits) {
        self.routes = routes
        self.limits = limits
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), .idle):
            if Self.headSize(head) > limits.maxHeadBytes {
                refuse(context: context, version: head.version, status: .requestHeaderFieldsTooLarge, "request headers too large")
            } else {
                state = .reading(head, context.channel.allocator.buffer(capacity: 0))
            }
        case (.body(var chunk), .reading(let head, var body)):
            if body.readableBytes + chunk.readableBytes > limits.maxBodyBytes {
                refuse(context: context, version: head.version, status: .payloadTooLarge, "request body too large")
            } else {
                body.writeBuffer(&chunk)
                state = .reading(head, body)
            }
        case (.end, .reading(let head, let body)):
            state = .idle
            answer(head: head, body: body, context: context)
        case (_, .refused):
            break
        case (.head, .reading), (.body, .idle), (.end, .idle):
            // The decoder never produces these orders; treat them as a broken stream.
            context.close(promise: nil)
        }
    }

    /// Idle clients are disconnected (see the IdleStateHandler in the pipeline).
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Resets and other I/O errors end the connection quietly; the server keeps serving.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func answer(head: HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? head.uri
        let request = AdminRequest(
            method: head.method, path: path, body: String(buffer: body),
            peerIsLoopback: context.channel.remoteAddress?.isLoopback ?? false)
        var response = routes.respond(to: request)
        if !head.isKeepAlive { response.closesConnection = true }
        write(response, version: head.version, context: context)
    }

    private func refuse(context: ChannelHandlerContext, version: HTTPVersion, status: HTTPResponseStatus, _ message: String) {
        state = .refused
        var response = AdminResponse.text(status, message)
        response.closesConnection = true
        write(response, version: version, context: context)
    }

    private func write(_ response: AdminResponse, version: HTTPVersion, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        // A 204 carries neither a body nor its framing headers (RFC 9110 §8.6).
        if response.status != .noContent {
            headers.add(name: "Content-Type", value: response.contentType)
            headers.add(name: "Content-Length", value: String(response.body.utf8.count))
        }
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        headers.add(name: "Connection", value: response.closesConnection ? "close" : "keep-alive")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: response.status, headers: headers))), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: response.body)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        let channel = context.channel
        let closes = response.closesConnection
        let afterWrite = response.afterWrite
        written.whenComplete { _ in
            if closes { channel.close(promise: nil) }
            afterWrite?()
        }
    }

    /// Bytes of the request line and headers as sent (approximately: separators counted).
    private static func headSize(_ head: HTTPRequestHead) -> Int {
        head.headers.reduce(head.uri.utf8.count + 16) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
    }
}
