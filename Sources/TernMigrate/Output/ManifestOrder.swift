import TernResources

/// Emitted objects in apply order: namespaces and Services first, then what refers to them.
enum ManifestOrder {
    static let rank = ["Namespace", "Service", "Gateway", "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "ReferenceGrant",
                       "Server", "MeshTLSAuthentication", "NetworkAuthentication", "AuthorizationPolicy", "EgressNetwork"]

    static func sorted(_ resources: [any KubeResource]) -> [any KubeResource] {
        // Stable: within a kind, emission order (which follows the sorted input) is kept, so
        // split routes stay in Istio's rule order.
        resources.enumerated().sorted { a, b in
            let ra = key(a.element), rb = key(b.element)
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
    }

    private static func key(_ r: any KubeResource) -> Int {
        let group = splitAPIVersion(r.apiVersion).group
        // Linkerd's own HTTPRoute (policy.linkerd.io) sorts with the policy objects.
        if r.kind == "HTTPRoute" && group == "policy.linkerd.io" { return rank.firstIndex(of: "NetworkAuthentication")! * 10 + 5 }
        return (rank.firstIndex(of: r.kind) ?? rank.count) * 10
    }
}
