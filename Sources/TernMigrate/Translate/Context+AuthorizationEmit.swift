import TernResources

/// Turns the authorization draft into Linkerd policy objects. Versions follow what Linkerd
/// serves and seed 000 shows: Server and HTTPRoute at v1beta3, the rest at v1alpha1.
extension TranslationContext {
    static let policyGroup = Linkerd.policyGroup

    mutating func emitAuthorization(_ draft: AuthorizationDraft) {
        func source(_ kind: String, _ ns: String, _ name: String) -> ObjectRef {
            draft.sources["\(kind)/\(ns)/\(name)"] ?? draft.policies.first { $0.namespace == ns }!.source
        }
        let alpha = "\(Self.policyGroup)/v1alpha1"
        for s in draft.servers {
            let spec = Linkerd.Server.Spec(podSelector: LabelSelector(matchLabels: s.podLabels), port: s.port)
            emit(Linkerd.Server(metadata: metadata(s.name, s.namespace, from: source("Server", s.namespace, s.name)), spec: spec))
        }
        for m in draft.meshAuthentications {
            emit(Linkerd.MeshTLSAuthentication(metadata: metadata(m.name, m.namespace, from: source("MeshTLSAuthentication", m.namespace, m.name)),
                                               spec: .init(identities: m.identities), apiVersion: alpha))
        }
        for n in draft.networkAuthentications {
            emit(Linkerd.NetworkAuthentication(metadata: metadata(n.name, n.namespace, from: source("NetworkAuthentication", n.namespace, n.name)),
                                               spec: .init(networks: n.networks.map { Linkerd.Network(cidr: $0) }), apiVersion: alpha))
        }
        for r in draft.routes {
            let parent = GatewayAPI.ParentReference(group: Self.policyGroup, kind: "Server", name: r.server)
            let spec = GatewayAPI.HTTPRouteSpec(parentRefs: [parent], rules: [GatewayAPI.HTTPRouteRule(matches: r.matches)])
            emit(Linkerd.HTTPRoute(metadata: metadata(r.name, r.namespace, from: source("HTTPRoute", r.namespace, r.name)), spec: spec))
        }
        for p in draft.policies {
            let target: Linkerd.LocalTargetRef
            switch p.target {
            case .namespace(let ns): target = Linkerd.LocalTargetRef(kind: "Namespace", name: ns)
            case .server(let name): target = Linkerd.LocalTargetRef(group: Self.policyGroup, kind: "Server", name: name)
            case .route(let name): target = Linkerd.LocalTargetRef(group: Self.policyGroup, kind: "HTTPRoute", name: name)
            }
            let refs = p.authentications.map { auth -> Linkerd.NamespacedTargetRef in
                switch auth {
                case .mesh(let name): return Linkerd.NamespacedTargetRef(group: Self.policyGroup, kind: "MeshTLSAuthentication", name: name)
                case .network(let name): return Linkerd.NamespacedTargetRef(group: Self.policyGroup, kind: "NetworkAuthentication", name: name)
                }
            }
            emit(Linkerd.AuthorizationPolicy(metadata: metadata(p.name, p.namespace, from: p.source),
                                             spec: .init(targetRef: target, requiredAuthenticationRefs: refs), apiVersion: alpha))
        }
    }
}
