import NIOCore
import NIOSSL
import NIOTLS
import Synchronization
import TernCore

/// What the verification callback decided for one connection. Written off the event loop by
/// the callback, read on it after the handshake, hence the lock.
final class VerificationOutcome: Sendable {
    private enum State { case pending, accepted(MeshIdentity), rejected(HandshakeRejection) }
    private let state = Mutex<State>(.pending)

    func accept(_ identity: MeshIdentity) { state.withLock { $0 = .accepted(identity) } }
    func reject(_ rejection: HandshakeRejection) { state.withLock { $0 = .rejected(rejection) } }

    var identity: MeshIdentity? {
        state.withLock { if case .accepted(let id) = $0 { return id } else { return nil } }
    }

    var rejection: HandshakeRejection? {
        state.withLock { if case .rejected(let r) = $0 { return r } else { return nil } }
    }
}

/// Sent up the pipeline once a mesh handshake has verified the peer, so metrics and
/// authorization learn `client_id`/`server_id` without reaching into TLS state.
public struct MeshPeerVerified: Hashable, Sendable {
    public let identity: MeshIdentity
}

/// Sits right behind the NIOSSL handler. Turns the handshake outcome into a `MeshPeerVerified`
/// event or a `HandshakeRejection` error with a reason, counting either way exactly once.
public final class MeshPeerHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer

    private let outcome: VerificationOutcome
    private let stats: HandshakeStats
    private var settled = false

    /// The verified peer identity, once the handshake has completed.
    public private(set) var peerIdentity: MeshIdentity?

    init(outcome: VerificationOutcome, stats: HandshakeStats) {
        self.outcome = outcome
        self.stats = stats
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event, !settled, let identity = outcome.identity {
            settled = true
            peerIdentity = identity
            stats.recordAccepted()
            context.fireUserInboundEventTriggered(event)
            context.fireUserInboundEventTriggered(MeshPeerVerified(identity: identity))
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !settled else {
            context.fireErrorCaught(error)
            return
        }
        settled = true
        let rejection = outcome.rejection ?? Self.classify(error)
        stats.record(rejection)
        context.fireErrorCaught(rejection)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        // A peer that hangs up mid-handshake (e.g. because it rejected us) is also a failure.
        if !settled {
            settled = true
            stats.record(outcome.rejection ?? .handshakeFailed("connection closed during the handshake"))
        }
        context.fireChannelInactive()
    }

    /// Maps BoringSSL's errors for the cases our callback never sees: a client that sent no
    /// certificate (BoringSSL refuses before verification) and alerts from a peer refusing us.
    static func classify(_ error: any Error) -> HandshakeRejection {
        let text = "\(error)"
        if text.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE") || text.contains("NO_CERTIFICATE") {
            return .noPeerCertificate
        }
        if text.contains("ALERT") || text.contains("alert") {
            return .peerRejected(text)
        }
        return .handshakeFailed(text)
    }
}
