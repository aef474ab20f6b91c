import NIOCore
import NIOHTTP1
import NIOHTTP2

/// Looks at a connection's first bytes and installs what they speak: the HTTP/2 preface →
/// HTTP/2 (one route handler per stream), an upper-case token and a space → HTTP/1, anything
/// else → a byte echo. The bytes read while deciding are passed on, none lost.
final class ProtocolSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    private let server: HTTPTestServer
    private var seen: ByteBuffer?

    init(server: HTTPTestServer) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if seen == nil { seen = incoming } else { seen!.writeBuffer(&incoming) }
        guard let bytes = seen, let kind = Self.classify(Array(bytes.readableBytesView)) else { return }
        seen = nil
        guard server.accepted(context.channel, as: kind) else { return context.close(promise: nil) }
        do {
            try install(kind, on: context.channel)
        } catch {
            return context.close(promise: nil)
        }
        context.fireChannelRead(wrapInboundOut(bytes))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// nil while the bytes so far could still be either protocol.
    static func classify(_ bytes: [UInt8]) -> HTTPTestServer.Kind? {
        if preface.starts(with: bytes.prefix(preface.count)) {
            return bytes.count >= preface.count ? .http2 : nil
        }
        for (index, byte) in bytes.enumerated() {
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { continue }
            return byte == UInt8(ascii: " ") && index > 0 ? .http1 : .echo
        }
        return nil
    }

    private func install(_ kind: HTTPTestServer.Kind, on channel: any Channel) throws {
        let pipeline = channel.pipeline.syncOperations
        let server = self.server
        switch kind {
        case .echo:
            try pipeline.addHandler(ByteEchoHandler())
        case .http1:
            try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: true)
            try pipeline.addHandler(HTTPTestRoutes(server: server, multiplexed: false))
        case .http2:
            _ = try pipeline.configureHTTP2Pipeline(
                mode: .server, connectionConfiguration: .init(), streamConfiguration: .init()
            ) { stream in
                stream.eventLoop.makeCompletedFuture {
                    try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                    try stream.pipeline.syncOperations.addHandler(HTTPTestRoutes(server: server, multiplexed: true))
                }
            }
        }
    }
}

/// Writes back whatever it reads; at end of input it closes (after the writes).
final class ByteEchoHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).assumeIsolated()
                .whenComplete { _ in context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
