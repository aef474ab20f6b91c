import TernCore

/// Which side of the proxy a connection or request belongs to (linkerd2-proxy's `direction`).
public enum TrafficDirection: String, Sendable, Hashable {
    case inbound, outbound
}

/// Which peer a connection faces (`peer`): `src` is the connection the proxy accepted,
/// `dst` the one it opened.
public enum TrafficPeer: String, Sendable, Hashable {
    case src, dst
}

/// Why a connection carries no mesh identity (`no_tls_reason`), in Linkerd's words.
public enum NoTLSReason: String, Sendable, Hashable {
    case loopback
    case disabled
    case noTLSFromRemote = "no_tls_from_remote"
    case notProvidedByServiceDiscovery = "not_provided_by_service_discovery"
}

/// The `tls` label and what goes with it.
public enum TLSLabel: Sendable, Hashable {
    /// Mesh mTLS; the peer's identity becomes `client_id` (inbound) or `server_id` (outbound).
    case established(peer: MeshIdentity?)
    case noIdentity(NoTLSReason)
}

/// The labels linkerd2-proxy puts on transport and HTTP metrics, in its order, so queries
/// written for Linkerd (`tcp_open_total{direction="inbound",tls="true"}`) work unchanged.
public struct TrafficLabels: Sendable, Hashable {
    public var direction: TrafficDirection
    public var peer: TrafficPeer
    /// HTTP authority, for request and response metrics.
    public var authority: String?
    /// `ip:port` the connection was for.
    public var targetAddress: String?
    public var tls: TLSLabel
    /// Destination metadata from service discovery, without the `dst_` prefix
    /// (`namespace`, `service`, `deployment`, …); rendered sorted by name.
    public var destination: [String: String]

    public init(
        direction: TrafficDirection, peer: TrafficPeer, authority: String? = nil, targetAddress: String? = nil,
        tls: TLSLabel, destination: [String: String] = [:]
    ) {
        self.direction = direction
        self.peer = peer
        self.authority = authority
        self.targetAddress = targetAddress
        self.tls = tls
        self.destination = destination
    }

    public var metricLabels: MetricLabels {
        var pairs: [(name: String, value: String)] = [("direction", direction.rawValue), ("peer", peer.rawValue)]
        if let authority { pairs.append(("authority", authority)) }
        if let targetAddress { pairs.append(("target_addr", targetAddress)) }
        switch tls {
        case .established(let identity):
            pairs.append(("tls", "true"))
            if let identity { pairs.append((direction == .inbound ? "client_id" : "server_id", identity.dnsName)) }
        case .noIdentity(let reason):
            pairs.append(("tls", "no_identity"))
            pairs.append(("no_tls_reason", reason.rawValue))
        }
        for (name, value) in destination.sorted(by: { $0.key < $1.key }) {
            pairs.append(("dst_" + name, value))
        }
        return MetricLabels(pairs)
    }
}
