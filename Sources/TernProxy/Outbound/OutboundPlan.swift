import NIOCore
import TernCore
import TernPolicy
import TernTLS

/// One try at connecting an outbound connection.
struct OutboundAttempt {
    let endpoint: Endpoint
    /// Where the balancer learns how the try went; nil for a destination discovery does not know.
    let pool: EndpointPool?
    let dialTarget: DialTarget
    let upstreamLabels: TrafficLabels
}

/// How an outbound connection finds its upstream: straight to the target, or balanced over
/// a discovered endpoint set with failover to endpoints not yet tried.
enum OutboundPlan {
    case direct(OutboundTarget)
    case balanced(EndpointPool, target: OutboundTarget, tried: Set<String>)

    func nextAttempt(meshCapable: Bool) -> OutboundAttempt? {
        switch self {
        case .direct(let target):
            let labels = TrafficLabels(direction: .outbound, peer: .dst, targetAddress: target.discoveryPath,
                                       tls: .noIdentity(.notProvidedByServiceDiscovery))
            switch target {
            case .address(let address):
                let endpoint = Endpoint(address: address.ipAddress ?? "", port: address.port ?? 0)
                return OutboundAttempt(endpoint: endpoint, pool: nil, dialTarget: .plain(address), upstreamLabels: labels)
            case .authority(let host, let port):
                let endpoint = Endpoint(address: host, port: port)
                let dial: DialTarget = (try? SocketAddress(ipAddress: host, port: port)).map { .plain($0) } ?? .name(host: host, port: port)
                return OutboundAttempt(endpoint: endpoint, pool: nil, dialTarget: dial, upstreamLabels: labels)
            }
        case .balanced(let pool, let target, let tried):
            guard let endpoint = pool.pick(excluding: tried) else { return nil }
            return Self.attempt(endpoint, pool: pool, target: target, meshCapable: meshCapable)
        }
    }

    /// The plan after `attempt` failed: another endpoint of the set, while there is one and
    /// fewer than `maxAttempts` were tried; nil when the connection should fail.
    func afterFailure(of attempt: OutboundAttempt, maxAttempts: Int) -> OutboundPlan? {
        guard case .balanced(let pool, let target, var tried) = self else { return nil }
        tried.insert(attempt.endpoint.socketAddress)
        guard tried.count < maxAttempts, tried.count < pool.endpoints.count else { return nil }
        return .balanced(pool, target: target, tried: tried)
    }

    var exhaustedReason: String {
        switch self {
        case .direct(let target): return "cannot dial \(target.discoveryPath)"
        case .balanced(_, let target, _): return "no endpoints available for \(target.discoveryPath)"
        }
    }

    /// A meshed endpoint (identity and transport port known, and this proxy has mesh TLS) is
    /// dialled on its proxy's inbound port with mTLS; anything else in plaintext on its own port.
    private static func attempt(_ endpoint: Endpoint, pool: EndpointPool, target: OutboundTarget, meshCapable: Bool) -> OutboundAttempt? {
        guard let address = try? SocketAddress(ipAddress: endpoint.address, port: endpoint.port) else { return nil }
        var labels = TrafficLabels(direction: .outbound, peer: .dst, targetAddress: endpoint.socketAddress,
                                   tls: .noIdentity(.notProvidedByServiceDiscovery),
                                   destination: pool.labels.merging(endpoint.labels) { _, own in own })
        if meshCapable, let name = endpoint.identity, let identity = try? MeshIdentity(dnsName: name),
           let transportPort = endpoint.opaqueTransportPort,
           let proxyAddress = try? SocketAddress(ipAddress: endpoint.address, port: transportPort) {
            labels.tls = .established(peer: identity)
            let header = TransportHeader(port: UInt16(endpoint.port), name: target.name, sessionProtocol: .opaque)
            return OutboundAttempt(endpoint: endpoint, pool: pool,
                                   dialTarget: .mesh(proxyAddress, identity: identity, header: header), upstreamLabels: labels)
        }
        return OutboundAttempt(endpoint: endpoint, pool: pool, dialTarget: .plain(address), upstreamLabels: labels)
    }
}
