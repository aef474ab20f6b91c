import NIOCore

/// Turns an accepted connection whose setup handler has finished (target known, upstream
/// connected) into a running splice. Runs on the accepted channel's loop, which the upstream
/// channel shares.
enum Splice {
    /// - Parameters:
    ///   - setup: the context of the handler that did the setup; it leaves the pipeline and a
    ///     splice half takes its place.
    ///   - pending: bytes already read from the client, sent upstream first (in order).
    ///   - greeting: bytes for the client before anything from upstream (a CONNECT's 200).
    ///   - clientInputEnded: the client already half-closed while the setup ran.
    static func start(
        setup: ChannelHandlerContext, upstream: any Channel, pending: ByteBuffer, greeting: ByteBuffer?,
        clientMeter: ConnectionMeter, upstreamMeter: ConnectionMeter, clientInputEnded: Bool
    ) {
        let client = setup.channel
        guard client.isActive else {
            var meter = upstreamMeter
            meter.closed()
            upstream.close(promise: nil)
            return
        }
        let (clientHalf, upstreamHalf) = SpliceHandler.pair(clientMeter, upstreamMeter)
        do {
            try upstream.pipeline.syncOperations.addHandler(upstreamHalf)
            try setup.pipeline.syncOperations.addHandler(clientHalf, position: .after(setup.handler))
        } catch {
            upstream.close(promise: nil)
            client.close(promise: nil)
            return
        }
        if let greeting {
            clientMeter.wrote(greeting.readableBytes)
            client.writeAndFlush(greeting, promise: nil)
        }
        if pending.readableBytes > 0 {
            clientMeter.read(pending.readableBytes)
            upstreamMeter.wrote(pending.readableBytes)
            upstream.writeAndFlush(pending, promise: nil)
        }
        setup.pipeline.syncOperations.removeHandler(context: setup, promise: nil)
        if clientInputEnded { clientHalf.inputDidEnd() }
        // Both sides were dialled or accepted with autoRead off so nothing could be read
        // before the splice existed; from here the splice's read gating does backpressure.
        upstream.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        client.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        upstream.read()
        client.read()
    }
}
