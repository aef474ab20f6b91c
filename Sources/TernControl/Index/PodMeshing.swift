import TernCore
import TernPolicy
import TernResources

/// What the index reads off a Pod: whether a proxy runs beside it, who it is, where its proxy
/// listens, and what to call it in metrics.
struct PodMeshing {
    static let injectAnnotation = "linkerd.io/inject"
    static let opaquePortsAnnotation = "config.linkerd.io/opaque-ports"
    static let inboundPortAnnotation = "config.linkerd.io/proxy-inbound-port"
    static let proxyContainerNames: Set<String> = ["linkerd-proxy", "tern-proxy"]

    let state: ClusterState
    let config: MeshConfig

    func namespaceAnnotation(_ namespace: String, _ key: String) -> String? {
        state.get(Namespace.self, namespace: "", name: namespace)?.metadata.annotation(key)
    }

    /// A pod is meshed when it runs a proxy container, or injection is enabled on it or (unless
    /// it opts out) on its namespace.
    func isMeshed(_ pod: Pod) -> Bool {
        if (pod.spec?.containers ?? []).contains(where: { Self.proxyContainerNames.contains($0.name ?? "") }) { return true }
        switch pod.metadata.annotation(Self.injectAnnotation) {
        case "enabled"?, "ingress"?: return true
        case "disabled"?: return false
        default: return namespaceAnnotation(pod.namespace, Self.injectAnnotation) == "enabled"
        }
    }

    func identity(_ pod: Pod) -> String? {
        config.identity(serviceAccount: pod.serviceAccountName, namespace: pod.namespace)
    }

    func inboundPort(_ pod: Pod) -> Int {
        pod.metadata.annotation(Self.inboundPortAnnotation).flatMap(Int.init) ?? config.proxyInboundPort
    }

    /// Opaque ports of a pod: its own annotation, else its namespace's, else the defaults.
    func opaquePorts(_ pod: Pod) -> PortSet {
        opaquePorts(annotations: pod.metadata.annotations, namespace: pod.namespace)
    }

    /// The opaque ports an object's annotations declare, else its namespace's (when given),
    /// else the controller's defaults. An unparsable value falls back too: validation has
    /// already reported it.
    func opaquePorts(annotations: [String: String]?, namespace: String?) -> PortSet {
        let text = annotations?[Self.opaquePortsAnnotation]
            ?? namespace.flatMap { namespaceAnnotation($0, Self.opaquePortsAnnotation) }
        if let text, case .success(let set) = PortSet.parse(text) { return set }
        return config.defaultOpaquePorts
    }

    /// Resolves a container port name on the pod.
    func containerPort(named name: String, in pod: Pod) -> Int? {
        for c in pod.spec?.containers ?? [] {
            if let p = c.ports?.first(where: { $0.name == name })?.containerPort { return p }
        }
        return nil
    }

    /// Metric labels for an endpoint backed by `pod`.
    func labels(_ pod: Pod) -> [String: String] {
        var labels = ["namespace": pod.namespace, "pod": pod.name, "serviceaccount": pod.serviceAccountName]
        if let (kind, name) = owner(of: pod) { labels[kind] = name }
        return labels
    }

    /// The workload that owns the pod: a ReplicaSet's Deployment, or the controller itself.
    func owner(of pod: Pod) -> (kind: String, name: String)? {
        guard let ref = pod.metadata.ownerReferences?.first(where: { $0.controller == true }) ?? pod.metadata.ownerReferences?.first,
              let kind = ref.kind, let name = ref.name else { return nil }
        if kind == "ReplicaSet" {
            if let rs = state.get(ReplicaSet.self, namespace: pod.namespace, name: name),
               let deploy = rs.metadata.ownerReferences?.first(where: { $0.kind == "Deployment" })?.name {
                return ("deployment", deploy)
            }
            // Without the ReplicaSet, its conventional name still tells the Deployment (name-hash).
            if let dash = name.lastIndex(of: "-") { return ("deployment", String(name[..<dash])) }
        }
        return (kind.lowercased(), name)
    }

    /// The endpoint a proxy should use to reach `pod` on `port`.
    func endpoint(for pod: Pod, address: String, port: Int) -> Endpoint {
        var endpoint = Endpoint(address: address, port: port, labels: labels(pod))
        if isMeshed(pod), let identity = identity(pod) {
            endpoint.identity = identity
            endpoint.opaqueTransportPort = inboundPort(pod)
            endpoint.protocolHint = opaquePorts(pod).contains(port) ? .opaque : .http2
        }
        return endpoint
    }
}
