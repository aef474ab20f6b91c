import NIOCore

extension ChannelHandlerContext {
    /// A setup handler's last act once it has put the real handlers behind it: the bytes it
    /// read while deciding (and a half-close it saw) go on to them, and it leaves the pipeline.
    func handOver(_ pending: ByteBuffer, inputEnded: Bool) {
        if pending.readableBytes > 0 {
            fireChannelRead(NIOAny(pending))
            fireChannelReadComplete()
        }
        if inputEnded { fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
        pipeline.syncOperations.removeHandler(context: self, promise: nil)
    }
}
