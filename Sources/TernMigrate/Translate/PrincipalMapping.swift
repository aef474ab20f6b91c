import TernCore

/// Istio principals (`<trust-domain>/ns/<ns>/sa/<sa>`, SPIFFE IDs without the scheme) and
/// source namespaces → Tern identities (`<sa>.<ns>.serviceaccount.identity.<cp-ns>.<trust-domain>`),
/// with the wildcard forms MeshTLSAuthentication accepts.
struct PrincipalMapping {
    var controlPlaneNamespace: String
    /// Overrides the trust domain of the principals when set.
    var trustDomain: String?

    enum Mapped: Equatable {
        case identity(String)
        /// The principal uses a pattern Tern identities cannot express.
        case unsupported(String)
    }

    func identity(principal raw: String) -> Mapped {
        if raw == "*" { return .identity("*") }
        let p = raw.hasPrefix("spiffe://") ? String(raw.dropFirst("spiffe://".count)) : raw
        let parts = p.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[1] == "ns", parts[3] == "sa" else {
            return .unsupported("expected <trust-domain>/ns/<namespace>/sa/<service-account>")
        }
        let (td, ns, sa) = (parts[0], parts[2], parts[4])
        guard KubernetesNames.isDNSLabel(ns) else { return .unsupported("the namespace part must be a plain namespace name") }
        let domain = trustDomain ?? (td == "*" ? "cluster.local" : td)
        guard KubernetesNames.isDNSSubdomain(domain) else { return .unsupported("the trust domain must be a DNS name") }
        if sa == "*" { return .identity("*.\(ns).serviceaccount.identity.\(controlPlaneNamespace).\(domain)") }
        guard KubernetesNames.isDNSLabel(sa) else { return .unsupported("the service account part must be a name or *") }
        return .identity("\(sa).\(ns).serviceaccount.identity.\(controlPlaneNamespace).\(domain)")
    }

    func identity(namespace ns: String) -> Mapped {
        if ns == "*" { return .identity("*") }
        guard KubernetesNames.isDNSLabel(ns) else { return .unsupported("Tern identities match a whole namespace, not a pattern") }
        return .identity("*.\(ns).serviceaccount.identity.\(controlPlaneNamespace).\(trustDomain ?? "cluster.local")")
    }

    /// The namespace a principal belongs to, when it names one.
    static func namespace(of principal: String) -> String? {
        let p = principal.hasPrefix("spiffe://") ? String(principal.dropFirst("spiffe://".count)) : principal
        let parts = p.split(separator: "/").map(String.init)
        guard parts.count == 5, parts[1] == "ns", KubernetesNames.isDNSLabel(parts[2]) else { return nil }
        return parts[2]
    }
}
