/// Choices the user makes on the command line.
public struct MigrationOptions: Sendable {
    /// `gatewayClassName` of emitted Gateways (the ingress controller that will serve them).
    public var gatewayClass = "istio"
    /// Whether `--gateway-class` was given; if not, the report says which class was assumed.
    public var gatewayClassGiven = false
    /// Namespace of Tern's control plane; part of every workload identity.
    public var controlPlaneNamespace = "tern"
    /// Kubernetes cluster domain used in FQDN hosts.
    public var clusterDomain = "cluster.local"
    /// Trust domain of emitted identities; nil takes the one in each Istio principal.
    public var trustDomain: String?
    /// Networks kubelet probes come from (node addresses); authorized for probe paths only.
    public var probeNetworks = ["0.0.0.0/0", "::/0"]

    public init() {}
}
