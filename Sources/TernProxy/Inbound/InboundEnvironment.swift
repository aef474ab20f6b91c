import Logging
import NIOCore
import TernCore
import TernPolicy
import TernTLS

/// Who is connecting inbound, for the authorization hook.
public struct InboundPeer: Sendable, Hashable {
    /// The verified mesh identity of the client, nil for plaintext clients.
    public var identity: MeshIdentity?
    /// The local port the connection is for.
    public var port: Int
}

/// Decides whether an inbound connection may reach the application. The inbound policy
/// issue plugs the Server/authorization index in here; until then every client is admitted
/// and counted as unauthenticated when it has no identity.
public typealias InboundAuthorizer = @Sendable (InboundPeer) -> Bool

/// What every inbound connection shares. Built once at startup.
struct InboundEnvironment: Sendable {
    let tls: MeshTLS?
    let dialer: UpstreamDialer
    let metrics: TransportMetrics
    /// Upstream HTTP connections and request metrics, per event loop (shared with outbound).
    let http: PerEventLoop<HTTPLoopState>
    let opaquePorts: PortSet
    /// The proxy's own ports: a transport header naming one of them is refused, so a peer
    /// cannot loop traffic through the proxy or reach its admin server as the application.
    let proxyPorts: Set<Int>
    let detectionTimeout: TimeAmount
    let authorize: InboundAuthorizer
    let logger: Logger
    let detector = ProtocolDetector(recognizeTLS: true)

    /// The application's address for a local port.
    func applicationAddress(port: Int) -> SocketAddress? {
        try? SocketAddress(ipAddress: "127.0.0.1", port: port)
    }
}
