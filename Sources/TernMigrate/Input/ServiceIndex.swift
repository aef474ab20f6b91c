import TernResources

/// Resolves Istio hosts to Kubernetes Services and answers questions about their ports and
/// pods. Istio hosts are short names (resolved in the referring object's namespace), `name.ns`,
/// `name.ns.svc` or the full `name.ns.svc.<cluster domain>`.
struct ServiceIndex {
    struct Resolved: Equatable {
        var name: String
        var namespace: String
        /// The Service when the input holds it.
        var service: Service?
    }

    private var services: [String: Service] = [:]
    let workloads: [Workload]
    let clusterDomain: String

    init(services: [Service], workloads: [Workload], clusterDomain: String = "cluster.local") {
        for s in services { self.services["\(s.namespace)/\(s.name)"] = s }
        self.workloads = workloads
        self.clusterDomain = clusterDomain
    }

    func service(_ namespace: String, _ name: String) -> Service? { services["\(namespace)/\(name)"] }

    /// The Service an in-cluster host names, or nil for an external host (or a wildcard).
    func resolve(host: String, from namespace: String) -> Resolved? {
        if host.contains("*") { return nil }
        let labels = host.split(separator: ".").map(String.init)
        let domainLabels = clusterDomain.split(separator: ".").map(String.init)
        let name: String, ns: String
        switch labels.count {
        case 1: (name, ns) = (labels[0], namespace)
        case 2: (name, ns) = (labels[0], labels[1])
        case 3 where labels[2] == "svc": (name, ns) = (labels[0], labels[1])
        default:
            guard labels.count == 3 + domainLabels.count, labels[2] == "svc", Array(labels.suffix(domainLabels.count)) == domainLabels else {
                return nil
            }
            (name, ns) = (labels[0], labels[1])
        }
        // A two-label host is ambiguous (`example.com` or `svc.ns`): only a known Service counts.
        if labels.count == 2 && service(ns, name) == nil { return nil }
        return Resolved(name: name, namespace: ns, service: service(ns, name))
    }

    /// The Service port a route should use: the one given, else the Service's only port.
    func port(of resolved: Resolved, requested: Int?) -> Int? {
        if let requested { return requested }
        let ports = resolved.service?.spec?.ports ?? []
        return ports.count == 1 ? ports[0].port : nil
    }

    /// Workloads whose pods a Service selects.
    func workloads(behind service: Service) -> [Workload] {
        guard let selector = service.spec?.selector, !selector.isEmpty else { return [] }
        return workloads.filter { w in w.namespace == service.namespace && selector.allSatisfy { w.podLabels[$0.key] == $0.value } }
    }

    /// Workloads in `namespace` matching `labels` (all workloads of the namespace when nil).
    func workloads(in namespace: String, matching labels: [String: String]?) -> [Workload] {
        workloads.filter { w in w.namespace == namespace && (labels ?? [:]).allSatisfy { w.podLabels[$0.key] == $0.value } }
    }

    /// Services in `namespace` that select pods of `workload`.
    func services(selecting workload: Workload) -> [Service] {
        services.values.filter { s in
            guard s.namespace == workload.namespace, let sel = s.spec?.selector, !sel.isEmpty else { return false }
            return sel.allSatisfy { workload.podLabels[$0.key] == $0.value }
        }.sorted { $0.name < $1.name }
    }

    var allServices: [Service] { services.values.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) } }
}
