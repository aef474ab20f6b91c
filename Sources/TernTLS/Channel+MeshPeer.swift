import NIOCore
import TernCore

extension Channel {
    /// The peer identity a mesh handshake verified on this channel, nil before the handshake
    /// completes or on a channel without mesh TLS. Read on the channel's event loop because
    /// the handler's state belongs to it.
    public func meshPeerIdentity() -> EventLoopFuture<MeshIdentity?> {
        eventLoop.submit {
            try? self.pipeline.syncOperations.handler(type: MeshPeerHandler.self).peerIdentity
        }
    }
}
