import NIOCore
import NIOHTTP1

/// The test server's routes, for one HTTP/1 connection or one HTTP/2 stream:
///
/// - `/echo`: 200 whose body is the request line, the headers (`name: value` lines), a blank
///   line, then the request body as it streams in (answers `Expect: 100-continue` first)
/// - `/sink`: reads the body, answers `<bytes> <pattern-ok>` (uploads of the test pattern)
/// - `/bytes/N`: N bytes of the test pattern with a content-length, sent as the client reads
/// - `/status/N`: an empty response with status N
/// - `/trailers`: a body without length, then trailers `x-checksum` and `x-count`
/// - `/reset`: a head promising 100000 bytes, 1000 of them, then a reset
/// - `/slow?ms=N`: answers after N ms
/// - `/whoami`: the server's name
/// - `/test.Echo/<method>`: a gRPC stand-in, the (framed) body echoed with `grpc-status` 0
///   in trailers, or 13 for methods ending in `Fail`
/// - `/upgrade` (HTTP/1): 101, then the connection is a byte echo (a WebSocket stand-in)
final class HTTPTestRoutes: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let resetPromised = 100_000
    static let resetSent = 1000

    private let server: HTTPTestServer
    private let multiplexed: Bool
    private var request: HTTPRequestHead?
    private var path = ""
    private var query: [String: String] = [:]
    /// `/sink`: bytes read and whether they all followed the pattern.
    private var sunk = 0
    private var patternHolds = true
    /// `/bytes/N`: what is left to send (sent as the connection stays writable).
    private var remaining = 0
    private var sent = 0

    init(server: HTTPTestServer, multiplexed: Bool) {
        self.server = server
        self.multiplexed = multiplexed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
            let parts = head.uri.split(separator: "?", maxSplits: 1)
            path = parts.first.map(String.init) ?? "/"
            query = Self.parseQuery(parts.count > 1 ? String(parts[1]) : "")
            server.counted(path)
            if path == "/echo" { startEcho(context, head) }
            if path.hasPrefix("/test.Echo/") {
                context.writeAndFlush(wrapOutboundOut(.head(responseHead(.ok, ["content-type": "application/grpc"]))), promise: nil)
            }
        case .body(let body):
            switch path {
            case "/echo":
                context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            case "/sink":
                if patternHolds { patternHolds = TCPTestServer.matchesPattern(Array(body.readableBytesView), offset: sunk) }
                sunk += body.readableBytes
            default:
                if path.hasPrefix("/test.Echo/") { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
            }
        case .end:
            guard let head = request else { return }
            answer(context, head)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { sendPattern(context) }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: Routes

    private func startEcho(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        if head.headers["expect"].contains(where: { $0.lowercased() == "100-continue" }) {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
        }
        var text = "\(head.method.rawValue) \(head.uri) \(head.version)\n"
        for (name, value) in head.headers { text += "\(name): \(value)\n" }
        text += "\n"
        context.write(wrapOutboundOut(.head(responseHead(.ok, ["content-type": "text/plain"]))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
    }

    private func answer(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        switch path {
        case "/echo":
            finish(context, trailers: nil)
        case "/sink":
            respond(context, .ok, body: "\(sunk) \(patternHolds)")
        case "/trailers":
            context.write(wrapOutboundOut(.head(responseHead(.ok, [:]))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "trailers follow\n")))), promise: nil)
            finish(context, trailers: HTTPHeaders([("x-checksum", "abc123"), ("x-count", "2")]))
        case "/reset":
            context.write(wrapOutboundOut(.head(responseHead(.ok, ["content-length": "\(Self.resetPromised)"]))), promise: nil)
            let part = ByteBuffer(bytes: TCPTestServer.pattern(Self.resetSent))
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(part)))).assumeIsolated().whenComplete { _ in
                // An HTTP/2 stream closed before its end is reset (RST_STREAM); a connection
                // is reset with SO_LINGER 0.
                if self.multiplexed { context.close(promise: nil) } else { HTTPTestServer.reset(context.channel) }
            }
        case "/slow":
            let delay = Int64(query["ms"] ?? "") ?? 200
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(delay)) {
                self.respond(context, .ok, body: "slow \(delay)")
            }
        case "/whoami":
            respond(context, .ok, body: server.name)
        case _ where path.hasPrefix("/test.Echo/"):
            // A gRPC stand-in: the framed messages come back as sent; `Fail` ends with INTERNAL.
            finish(context, trailers: HTTPHeaders([("grpc-status", path.hasSuffix("Fail") ? "13" : "0")]))
        case "/upgrade" where !multiplexed:
            upgrade(context)
        default:
            if path.hasPrefix("/status/"), let code = Int(path.dropFirst("/status/".count)) {
                respond(context, HTTPResponseStatus(statusCode: code), body: "")
            } else if path.hasPrefix("/bytes/"), let count = Int(path.dropFirst("/bytes/".count)) {
                context.write(wrapOutboundOut(.head(responseHead(.ok, ["content-length": "\(count)"]))), promise: nil)
                remaining = count
                sent = 0
                sendPattern(context)
            } else {
                respond(context, .notFound, body: "no route \(path)")
            }
        }
    }

    /// Writes pattern chunks while the connection takes them; writability brings it back.
    private func sendPattern(_ context: ChannelHandlerContext) {
        guard remaining > 0 else { return }
        while remaining > 0 && context.channel.isWritable {
            let chunk = ByteBuffer(bytes: TCPTestServer.pattern(min(65536, remaining), offset: sent))
            remaining -= chunk.readableBytes
            sent += chunk.readableBytes
            context.write(wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
        }
        context.flush()
        // The flush can re-enter through a writability change and finish first; -1 marks done.
        if remaining == 0 {
            remaining = -1
            finish(context, trailers: nil)
        }
    }

    private func upgrade(_ context: ChannelHandlerContext) {
        let head = responseHead(.switchingProtocols, ["upgrade": "echo-test", "connection": "upgrade"])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenSuccess {
            let pipeline = context.pipeline.syncOperations
            do {
                try pipeline.addHandler(ByteEchoHandler(), position: .first)
                for handler in try Self.http1Handlers(pipeline) { pipeline.removeHandler(handler, promise: nil) }
                pipeline.removeHandler(context: context, promise: nil)
            } catch {
                context.close(promise: nil)
            }
        }
    }

    private static func http1Handlers(_ pipeline: ChannelPipeline.SynchronousOperations) throws -> [any RemovableChannelHandler] {
        [
            try pipeline.handler(type: HTTPServerPipelineHandler.self),
            try pipeline.handler(type: HTTPServerProtocolErrorHandler.self),
            try pipeline.handler(type: NIOHTTPResponseHeadersValidator.self),
            try pipeline.handler(type: HTTPResponseEncoder.self),
            try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self),
        ]
    }

    // MARK: Helpers

    private func respond(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, body: String) {
        context.write(wrapOutboundOut(.head(responseHead(status, ["content-length": "\(body.utf8.count)"]))), promise: nil)
        if !body.isEmpty { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil) }
        finish(context, trailers: nil)
    }

    private func responseHead(_ status: HTTPResponseStatus, _ headers: [String: String]) -> HTTPResponseHead {
        var head = HTTPResponseHead(version: request?.version ?? .http1_1, status: status)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        head.headers.add(name: "x-served-by", value: server.name)
        return head
    }

    /// Ends the response; an HTTP/1 request that asked for `connection: close` gets it.
    private func finish(_ context: ChannelHandlerContext, trailers: HTTPHeaders?) {
        let keepAlive = multiplexed || (request?.isKeepAlive ?? false)
        request = nil
        let written = context.writeAndFlush(wrapOutboundOut(.end(trailers)))
        if !keepAlive { written.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
    }

    private static func parseQuery(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            out[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
        }
        return out
    }
}
