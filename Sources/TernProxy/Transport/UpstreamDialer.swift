import NIOCore
import NIOPosix
import TernCore
import TernPolicy
import TernTLS

/// Where an upstream connection goes and how to speak to it.
enum DialTarget: Sendable {
    /// Plaintext to an address (an unmeshed endpoint, or an address discovery does not know).
    case plain(SocketAddress)
    /// Plaintext to a host name resolved by the system resolver (explicit mode, names the
    /// control plane does not know).
    case name(host: String, port: Int)
    /// Mesh mTLS to a peer proxy's inbound port: the server must prove `identity`, then the
    /// transport header tells it which local port the bytes are for.
    case mesh(SocketAddress, identity: MeshIdentity, header: TransportHeader)
}

/// Opens upstream connections on the event loop of the connection they serve, so both ends
/// of a splice share one loop and never need a lock. A mesh dial completes only once the
/// handshake has verified the peer and the transport header is queued.
struct UpstreamDialer: Sendable {
    let tls: MeshTLS?
    let connectTimeout: TimeAmount

    enum Failure: Error, CustomStringConvertible {
        case noMeshCredentials
        case closedDuringHandshake

        var description: String {
            switch self {
            case .noMeshCredentials: return "no mesh certificate yet: cannot dial a meshed endpoint"
            case .closedDuringHandshake: return "the peer closed the connection during the TLS handshake"
            }
        }
    }

    func dial(_ target: DialTarget, on eventLoop: any EventLoop) -> EventLoopFuture<any Channel> {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelOption(.autoRead, value: false)
        switch target {
        case .plain(let address):
            return bootstrap.connect(to: address)
        case .name(let host, let port):
            return bootstrap.connect(host: host, port: port)
        case .mesh(let address, let identity, let header):
            guard let tls else { return eventLoop.makeFailedFuture(Failure.noMeshCredentials) }
            let verified = eventLoop.makePromise(of: Void.self)
            let connected = bootstrap.channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(HalfCloseGate())
                    try tls.addClientHandlers(to: channel.pipeline.syncOperations, expecting: identity)
                    try channel.pipeline.syncOperations.addHandler(HandshakeWaiter(verified))
                }
            }.connect(to: address)
            connected.whenFailure { verified.fail($0) }
            return connected.flatMap { channel in
                // The header goes out in the first TLS record after the handshake. Flushed
                // now: a server that speaks first waits for it before anything else moves.
                channel.writeAndFlush(ByteBuffer(bytes: header.encoded()), promise: nil)
                channel.read()  // autoRead is off: this read drives the handshake
                return verified.futureResult.map { channel }.flatMapErrorThrowing { error in
                    channel.close(promise: nil)
                    throw error
                }
            }
        }
    }
}

/// Completes a promise when the mesh handshake has verified the peer, or fails it with the
/// reason the handshake failed; then steps out of the pipeline.
private final class HandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private var promise: EventLoopPromise<Void>?

    init(_ promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is MeshPeerVerified {
            MeshHandshake.finished(in: context.pipeline)
            promise?.succeed(())
            promise = nil
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let promise {
            self.promise = nil
            promise.fail(error)
            context.close(promise: nil)
            return
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise?.fail(UpstreamDialer.Failure.closedDuringHandshake)
        promise = nil
        context.fireChannelInactive()
    }
}
