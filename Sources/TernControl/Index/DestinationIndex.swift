import Synchronization
import TernCore
import TernPolicy
import TernResources

/// Maps cluster state to the endpoint sets proxies ask for. Pure: built from a `ClusterState`
/// snapshot, so the streaming layer recomputes and diffs it after every change.
public struct DestinationIndex: Sendable {
    public let state: ClusterState
    public let config: MeshConfig
    /// Pods by IP, built on first use: only address targets and endpoints without a
    /// targetRef need it, and building it walks every pod of the cluster.
    private let podIPs: PodIPCache

    public init(state: ClusterState, config: MeshConfig = MeshConfig()) {
        self.state = state
        self.config = config
        self.podIPs = PodIPCache(state: state)
    }

    private var podsByIP: [String: Pod] { podIPs.map }

    var meshing: PodMeshing { PodMeshing(state: state, config: config) }

    /// The endpoints of `target`. An IP that is a Service's cluster IP resolves to that Service;
    /// a pod's IP to that pod alone; anything else is unknown (the proxy forwards it as is).
    public func endpoints(for target: DestinationTarget) -> EndpointSet {
        switch target {
        case .service(let namespace, let name, let port):
            return serviceEndpoints(namespace: namespace, name: name, port: port)
        case .address(let ip, let port):
            if let service = service(withClusterIP: ip) {
                return serviceEndpoints(namespace: service.namespace, name: service.name, port: port)
            }
            if let pod = podsByIP[ip.description] {
                let endpoint = meshing.endpoint(for: pod, address: ip.description, port: port)
                return EndpointSet(exists: true, endpoints: [endpoint], labels: ["namespace": pod.namespace])
            }
            return .unknown
        }
    }

    /// Parses an authority and resolves it.
    public func endpoints(forAuthority authority: String) -> EndpointSet {
        guard let target = DestinationTarget(authority: authority, clusterDomain: config.clusterDomain) else { return .unknown }
        return endpoints(for: target)
    }

    public func service(withClusterIP ip: IPAddress) -> Service? {
        state.all(Service.self).first { svc in svc.clusterIPs.contains { IPAddress(parsing: $0) == ip } }
    }

    func serviceEndpoints(namespace: String, name: String, port: Int) -> EndpointSet {
        guard let service = state.get(Service.self, namespace: namespace, name: name) else { return .unknown }
        let labels = ["namespace": namespace, "service": name]
        guard let servicePort = service.spec?.ports?.first(where: { $0.port == port }) else {
            return EndpointSet(exists: true, labels: labels)
        }
        var endpoints = fromEndpointSlices(service, servicePort)
            ?? fromEndpoints(service, servicePort)
            ?? fromPods(service, servicePort)
        endpoints += fromExternalWorkloads(service, servicePort)
        return EndpointSet(exists: true, endpoints: endpoints, labels: labels)
    }

    private func pod(for ref: ObjectReference?, ip: String, namespace: String) -> Pod? {
        if let ref, ref.kind == "Pod", let name = ref.name,
           let pod = state.get(Pod.self, namespace: ref.namespace ?? namespace, name: name) { return pod }
        return podsByIP[IPAddress(parsing: ip)?.description ?? ip]
    }

    private func endpoint(ip: String, port: Int, pod: Pod?) -> Endpoint {
        guard let pod else { return Endpoint(address: ip, port: port) }
        return meshing.endpoint(for: pod, address: ip, port: port)
    }

    /// EndpointSlices labelled for the service; nil when there are none.
    private func fromEndpointSlices(_ service: Service, _ servicePort: Service.ServicePort) -> [Endpoint]? {
        let slices = state.all(EndpointSlice.self, namespace: service.namespace).filter { $0.serviceName == service.name }
        guard !slices.isEmpty else { return nil }
        var out: [Endpoint] = []
        for slice in slices where slice.addressType != .fqdn {
            guard let port = (slice.ports ?? []).first(where: { $0.name == servicePort.name || (slice.ports?.count == 1 && servicePort.name == nil) })?.port else { continue }
            for e in slice.endpoints ?? [] where e.conditions?.ready != false {
                for ip in e.addresses ?? [] {
                    out.append(endpoint(ip: ip, port: port, pod: pod(for: e.targetRef, ip: ip, namespace: service.namespace)))
                }
            }
        }
        return out
    }

    /// The legacy Endpoints object named like the service; nil when absent.
    private func fromEndpoints(_ service: Service, _ servicePort: Service.ServicePort) -> [Endpoint]? {
        guard let eps = state.get(Endpoints.self, namespace: service.namespace, name: service.name) else { return nil }
        var out: [Endpoint] = []
        for subset in eps.subsets ?? [] {
            guard let port = (subset.ports ?? []).first(where: { $0.name == servicePort.name || (subset.ports?.count == 1 && servicePort.name == nil) })?.port else { continue }
            for a in subset.addresses ?? [] {
                guard let ip = a.ip else { continue }
                out.append(endpoint(ip: ip, port: port, pod: pod(for: a.targetRef, ip: ip, namespace: service.namespace)))
            }
        }
        return out
    }

    /// Without Endpoints objects (the local runtime), the service's selector picks running pods
    /// directly, as the endpoints controller would.
    private func fromPods(_ service: Service, _ servicePort: Service.ServicePort) -> [Endpoint] {
        guard let labels = service.spec?.selector, !labels.isEmpty else { return [] }
        let selector = LabelSelector(matchLabels: labels)
        var out: [Endpoint] = []
        for pod in state.all(Pod.self, namespace: service.namespace) {
            guard selector.matches(pod.metadata.labels ?? [:]),
                  pod.status?.phase != "Succeeded", pod.status?.phase != "Failed",
                  let ip = pod.ips.first else { continue }
            let target: Int?
            switch servicePort.targetPort {
            case .number(let n)?: target = n
            case .name(let portName)?: target = meshing.containerPort(named: portName, in: pod)
            case nil: target = servicePort.port
            }
            guard let target else { continue }
            out.append(meshing.endpoint(for: pod, address: ip, port: target))
        }
        return out
    }
}

/// A lazily built map from pod IP to pod for one cluster-state snapshot.
final class PodIPCache: Sendable {
    private let state: ClusterState
    private let built = Mutex<[String: Pod]?>(nil)

    init(state: ClusterState) { self.state = state }

    var map: [String: Pod] {
        built.withLock { cached in
            if let cached { return cached }
            var byIP: [String: Pod] = [:]
            for pod in state.all(Pod.self) where pod.status?.phase != "Succeeded" && pod.status?.phase != "Failed" {
                for ip in pod.ips { byIP[IPAddress(parsing: ip)?.description ?? ip] = pod }
            }
            cached = byIP
            return byIP
        }
    }
}
