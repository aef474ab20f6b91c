import NIOCore

/// What an outbound connection is for, before discovery: the original destination of a
/// redirected connection, or the authority an explicit-mode client named.
enum OutboundTarget: Equatable {
    case address(SocketAddress)
    case authority(host: String, port: Int)

    /// The path the destination API is asked about: `10.0.0.1:80`, `[fd00::1]:80` or
    /// `web.ns.svc.cluster.local:80`.
    var discoveryPath: String {
        switch self {
        case .address(let address):
            return HostPort(host: address.ipAddress ?? "?", port: address.port ?? 0).description
        case .authority(let host, let port):
            return HostPort(host: host, port: port).description
        }
    }

    /// The logical name carried to the peer in the transport header (explicit mode only; a
    /// redirected connection has no name).
    var name: String? {
        if case .authority = self { return discoveryPath }
        return nil
    }
}
