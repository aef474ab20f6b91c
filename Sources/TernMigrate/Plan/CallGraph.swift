import TernResources

/// Which namespaces call which, as far as Istio configuration tells: ingress VirtualServices
/// (the ingress calls their backends), mesh VirtualServices (callers of a host also reach its
/// backends) and AuthorizationPolicy sources (allowed principals and namespaces call the
/// policy's namespace). Used to order a single-cluster migration callers-first.
struct CallGraph {
    static let ingress = "(ingress)"
    private(set) var edges: [String: Set<String>] = [:]
    private(set) var nodes: Set<String> = []

    init(_ input: MigrationInput, index: ServiceIndex) {
        for item in input.virtualServices {
            guard let spec = item.resource.spec else { continue }
            let ns = item.ref.namespace
            let backends = Self.backendNamespaces(spec, from: ns, index: index)
            nodes.insert(ns)
            if !spec.ingressGateways.isEmpty { for b in backends { add(Self.ingress, b) } }
            if spec.appliesToMesh {
                for host in spec.hosts ?? [] {
                    guard let resolved = index.resolve(host: host, from: ns) else { continue }
                    for b in backends where b != resolved.namespace { add(resolved.namespace, b) }
                    nodes.insert(resolved.namespace)
                }
            }
        }
        for item in input.authorizationPolicies where item.resource.effectiveAction == .allow {
            let target = item.ref.namespace
            nodes.insert(target)
            for rule in item.resource.spec?.rules ?? [] {
                for source in (rule.from ?? []).compactMap(\.source) {
                    for p in source.principals ?? [] {
                        if let caller = PrincipalMapping.namespace(of: p) { add(caller, target) }
                    }
                    for caller in source.namespaces ?? [] where !caller.contains("*") { add(caller, target) }
                }
            }
        }
        for ns in input.workloads.map(\.namespace) + input.services.map(\.namespace) { nodes.insert(ns) }
        nodes.remove(input.rootNamespace)
        nodes.remove("kube-system")
    }

    private mutating func add(_ from: String, _ to: String) {
        guard from != to else { return }
        edges[from, default: []].insert(to)
        if from != Self.ingress { nodes.insert(from) }
        nodes.insert(to)
    }

    private static func backendNamespaces(_ spec: Istio.VirtualService.Spec, from ns: String, index: ServiceIndex) -> Set<String> {
        var out: Set<String> = []
        var destinations: [Istio.Destination] = []
        for rule in spec.http ?? [] { destinations += (rule.route ?? []).compactMap(\.destination) }
        for rule in spec.tcp ?? [] { destinations += (rule.route ?? []).compactMap(\.destination) }
        for rule in spec.tls ?? [] { destinations += (rule.route ?? []).compactMap(\.destination) }
        for d in destinations {
            if let host = d.host, let resolved = index.resolve(host: host, from: ns) { out.insert(resolved.namespace) }
        }
        return out
    }

    /// Namespaces callers-first: those the ingress calls, then their callees, and so on.
    /// Cycles are broken alphabetically (both sides then share the boundary for a while).
    func order(excluding: Set<String>) -> [String] {
        var remaining = nodes.subtracting(excluding)
        var indegree: [String: Int] = [:]
        for n in remaining { indegree[n] = 0 }
        for (from, tos) in edges where from == Self.ingress || remaining.contains(from) {
            for to in tos where remaining.contains(to) && from != Self.ingress { indegree[to, default: 0] += 1 }
        }
        var out: [String] = []
        while !remaining.isEmpty {
            let ready = remaining.filter { indegree[$0] == 0 }.sorted { priority($0) < priority($1) }
            let next = ready.first ?? remaining.sorted { (indegree[$0]!, $0) < (indegree[$1]!, $1) }.first!
            out.append(next)
            remaining.remove(next)
            for to in edges[next] ?? [] where remaining.contains(to) { indegree[to, default: 1] -= 1 }
        }
        return out
    }

    /// Namespaces the ingress calls come first; then by name.
    private func priority(_ ns: String) -> (Int, String) {
        ((edges[Self.ingress] ?? []).contains(ns) ? 0 : 1, ns)
    }

    func callers(of ns: String) -> [String] {
        edges.filter { $0.value.contains(ns) }.map(\.key).sorted()
    }
}
