import NIOCore

/// Keeps a connection's TCP metrics (opens, closes, bytes each way) while HTTP handlers, not
/// a splice, move its bytes. Sits where the plaintext flows: first in an accepted plaintext
/// pipeline, right behind TLS on a mesh connection. It stays for the connection's life, also
/// when an upgrade turns the rest of the pipeline into a splice.
final class MeteredConnection: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private var meter: ConnectionMeter

    init(_ meter: ConnectionMeter) {
        self.meter = meter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        meter.read(unwrapInboundIn(data).readableBytes)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        meter.wrote(unwrapOutboundIn(data).readableBytes)
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        meter.failed(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        meter.closed()
        context.fireChannelInactive()
    }
}
