import NIOCore
import TernTLS

/// What happens once a mesh handshake has verified the peer, on either side.
enum MeshHandshake {
    /// Releases a held end of input and, one loop turn later (after TLS has finished the
    /// event that brought us here), removes the peer handler: it only reports the handshake,
    /// and every read would otherwise pass through it for the life of the connection.
    static func finished(in pipeline: ChannelPipeline) {
        HalfCloseGate.open(in: pipeline)
        pipeline.eventLoop.assumeIsolated().execute {
            let operations = pipeline.syncOperations
            if let peer = try? operations.context(handlerType: MeshPeerHandler.self) {
                operations.removeHandler(context: peer, promise: nil)
            }
        }
    }
}
