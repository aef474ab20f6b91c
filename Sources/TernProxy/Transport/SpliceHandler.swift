import NIOCore
import NIOSSL

/// One half of a byte splice between two channels on the same event loop: what one side
/// reads, the other writes. Backpressure: a side only reads while its partner is writable, so
/// a slow reader on one end stops reads on the other and memory stays bounded by the socket
/// buffers plus one read. Half-close: end of input on one side shuts the partner's output
/// (after its pending writes), so request/response protocols that half-close keep working.
final class SpliceHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var partner: SpliceHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false
    /// This side's channel writability, kept here so the partner's read gate (run on every
    /// read) is a field load rather than a call through the channel.
    private var writable = true
    /// This side's peer finished sending (FIN or TLS close_notify).
    private var inputEnded = false
    private var meter: ConnectionMeter

    private init(meter: ConnectionMeter) {
        self.meter = meter
    }

    /// Two joined halves; add the first to one channel and the second to the other.
    static func pair(_ first: ConnectionMeter, _ second: ConnectionMeter) -> (SpliceHandler, SpliceHandler) {
        let a = SpliceHandler(meter: first)
        let b = SpliceHandler(meter: second)
        a.partner = b
        b.partner = a
        return (a, b)
    }

    /// Both channels must allow remote half-closure (set when they are accepted or dialled,
    /// before any end of input can be read): it is how a splice learns that one side is done
    /// sending but still reading.
    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        writable = context.channel.isWritable
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        meter.read(buffer.readableBytes)
        guard let partner, partner.context != nil else {
            // The other side is gone: there is nowhere to put these bytes, and dropping them
            // silently would lie to the sender. Closing is what a direct peer's reset would do.
            context.close(promise: nil)
            return
        }
        partner.forward(buffer)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.context?.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        meter.closed()
        // After a clean end of input the partner is already shutting its output behind its
        // pending writes. Otherwise the partner closes too, but only after what this side
        // already handed over is on the wire: TLS can report a channel inactive before the
        // end-of-input event that explains it, and closing outright would drop those bytes.
        if !inputEnded { partner?.closeAfterPendingWrites() }
        partner?.partner = nil
        partner = nil
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { inputDidEnd() }
        context.fireUserInboundEventTriggered(event)
    }

    /// The peer of this side finished sending, seen here or (when it happened before the
    /// splice existed) by the handler that set the connection up.
    func inputDidEnd() {
        guard !inputEnded else { return }
        inputEnded = true
        partner?.closeOutput()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A TLS peer that closes TCP without close_notify: an end of input like any other; the
        // input-closed event that follows does the half-close.
        if let tls = error as? NIOSSLError, case .uncleanShutdown = tls { return }
        meter.failed(error)
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        writable = context.channel.isWritable
        if writable { partner?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if let partner, partner.context != nil, !partner.writable {
            pendingRead = true
        } else {
            context.read()
        }
    }

    // MARK: Calls from the partner (same event loop)

    private func forward(_ buffer: ByteBuffer) {
        guard let context else { return }
        meter.wrote(buffer.readableBytes)
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    private func resumeReading() {
        guard pendingRead, let context else { return }
        pendingRead = false
        context.read()
    }

    /// Shuts the output once every queued byte is on the wire. NIO escalates an output close
    /// on a channel whose input already ended to a full close, which would discard queued
    /// writes, so the close waits for a marker write queued behind them.
    private func closeOutput() {
        guard let context else { return }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in
            context.close(mode: .output, promise: nil)
        }
    }

    private func closeAfterPendingWrites() {
        guard let context else { return }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: written)
        // A reader that never drains must not pin the connection: close regardless after a while.
        let deadline = context.eventLoop.assumeIsolated().scheduleTask(in: Self.drainLimit) {
            context.close(promise: nil)
        }
        written.futureResult.assumeIsolated().whenComplete { _ in
            deadline.cancel()
            context.close(promise: nil)
        }
    }

    /// How long a closing splice waits for a stalled reader to take the bytes already queued.
    static let drainLimit = TimeAmount.seconds(30)
}
