import TernCore
import TernPolicy
import TernResources

/// Maps cluster state to the policy of one inbound port of one workload: the Server that
/// selects the port with its authorizations and routes, or the default policy (pod annotation,
/// then namespace annotation, then the controller's default). Pure.
public struct InboundIndex: Sendable {
    public let state: ClusterState
    public let config: MeshConfig

    public init(state: ClusterState, config: MeshConfig = MeshConfig()) {
        self.state = state
        self.config = config
    }

    var meshing: PodMeshing { PodMeshing(state: state, config: config) }

    /// The policy for `port` of the pod named `workload` in `namespace`. An unknown pod gets
    /// the namespace's default, so a proxy that starts before its Pod object is seen is still
    /// governed (never left open).
    public func policy(namespace: String, workload: String, port: Int) -> InboundPolicy {
        let pod = state.get(Pod.self, namespace: namespace, name: workload)
        if let pod, let server = serverPolicy(pod: pod, port: port) { return server }
        return defaultPolicy(namespace: namespace, pod: pod, port: port)
    }

    /// The default policy in force for a pod: its annotation, its namespace's, the controller's.
    public func defaultPolicyName(namespace: String, pod: Pod?) -> DefaultPolicy {
        let key = DefaultPolicy.annotation
        if let value = pod?.metadata.annotation(key), let policy = DefaultPolicy(rawValue: value) { return policy }
        if let value = meshing.namespaceAnnotation(namespace, key), let policy = DefaultPolicy(rawValue: value) { return policy }
        return config.defaultInboundPolicy
    }

    func defaultPolicy(namespace: String, pod: Pod?, port: Int) -> InboundPolicy {
        let name = defaultPolicyName(namespace: namespace, pod: pod)
        let opaque = pod.map { meshing.opaquePorts($0) } ?? config.defaultOpaquePorts
        return InboundPolicy(serverProtocol: opaque.contains(port) ? .opaque : .detect,
                             authorizations: Self.authorizations(for: name, clusterNetworks: config.clusterNetworks),
                             serverKind: "default", serverName: name.rawValue, auditOnly: name == .audit)
    }

    /// What each default policy admits.
    public static func authorizations(for policy: DefaultPolicy, clusterNetworks: [CIDR]) -> [ClientAuthorization] {
        let all = ClientAuthorization.allNetworks
        let cluster = clusterNetworks.map { ClientAuthorization.Network(cidr: $0) }
        let kind = "default", name = policy.rawValue
        switch policy {
        case .allUnauthenticated, .audit:
            return [ClientAuthorization(networks: all, authentication: .unauthenticated, kind: kind, name: name)]
        case .allAuthenticated:
            return [ClientAuthorization(networks: all, authentication: .meshTLS([.any]), kind: kind, name: name)]
        case .clusterUnauthenticated:
            return [ClientAuthorization(networks: cluster, authentication: .unauthenticated, kind: kind, name: name)]
        case .clusterAuthenticated:
            return [ClientAuthorization(networks: cluster, authentication: .meshTLS([.any]), kind: kind, name: name)]
        case .deny:
            return []
        }
    }
}
