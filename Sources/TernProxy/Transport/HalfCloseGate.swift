import NIOCore

/// Sits in front of a TLS handler and holds back the end of TCP input until the mesh
/// handshake has verified the peer. Verification runs asynchronously, and NIOSSL treats an
/// end of input that arrives meanwhile as a failed handshake, even when the peer sent its
/// application data and close_notify before the FIN — a client that writes a request and
/// half-closes at once would lose it. Once opened, the held event goes on to TLS, which by
/// then has processed every byte before it.
final class HalfCloseGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private var context: ChannelHandlerContext?
    private var heldInputClosed = false

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            heldInputClosed = true
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The handshake is done: release a held end of input and leave the pipeline. Called
    /// from inside TLS's handshake-completed event, before TLS has decrypted the records that
    /// followed the handshake; the release waits one loop turn so those come first.
    func open() {
        guard let context else { return }
        context.eventLoop.assumeIsolated().execute {
            if self.heldInputClosed {
                self.heldInputClosed = false
                context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            }
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    /// Opens the gate in `pipeline`, if it has one.
    static func open(in pipeline: ChannelPipeline) {
        (try? pipeline.syncOperations.handler(type: HalfCloseGate.self))?.open()
    }
}
