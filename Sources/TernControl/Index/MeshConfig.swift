import TernCore
import TernPolicy

/// Cluster-wide settings the indexes apply: naming, identity and defaults. Decoded once from the
/// controller's flags and passed down.
public struct MeshConfig: Sendable, Hashable {
    public var clusterDomain: String
    public var trustDomain: String
    public var controlPlaneNamespace: String
    /// The proxy's inbound port, where meshed peers accept mTLS (4143).
    public var proxyInboundPort: Int
    /// Ports treated as opaque when nothing says otherwise (Linkerd's defaults: SMTP, MySQL,
    /// Galera, PostgreSQL, Redis, Elasticsearch, memcached).
    public var defaultOpaquePorts: PortSet
    public var defaultInboundPolicy: DefaultPolicy
    /// The networks "cluster-*" default policies admit.
    public var clusterNetworks: [CIDR]

    public init(clusterDomain: String = "cluster.local", trustDomain: String = "cluster.local",
                controlPlaneNamespace: String = MeshIdentity.defaultControlPlaneNamespace, proxyInboundPort: Int = 4143,
                defaultOpaquePorts: PortSet = PortSet(ports: [25, 587, 3306, 4444, 5432, 6379, 9300, 11211]),
                defaultInboundPolicy: DefaultPolicy = .allUnauthenticated,
                clusterNetworks: [CIDR] = MeshConfig.privateNetworks) {
        self.clusterDomain = clusterDomain
        self.trustDomain = trustDomain
        self.controlPlaneNamespace = controlPlaneNamespace
        self.proxyInboundPort = proxyInboundPort
        self.defaultOpaquePorts = defaultOpaquePorts
        self.defaultInboundPolicy = defaultInboundPolicy
        self.clusterNetworks = clusterNetworks
    }

    /// Linkerd's default cluster networks: the private and unique-local ranges.
    public static let privateNetworks: [CIDR] = ["10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16", "fd00::/8"]
        .map { try! CIDR(parsing: $0) }

    /// The mesh identity (DNS form) of a service account.
    public func identity(serviceAccount: String, namespace: String) -> String? {
        (try? MeshIdentity(serviceAccount: serviceAccount, namespace: namespace,
                           controlPlaneNamespace: controlPlaneNamespace, trustDomain: trustDomain))?.dnsName
    }
}
