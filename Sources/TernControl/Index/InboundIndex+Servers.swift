import TernCore
import TernPolicy
import TernResources

extension InboundIndex {
    /// The Server that selects `port` of `pod`, if any (by name when several do, so the
    /// choice is stable), with its authorizations, routes and rate limit.
    func serverPolicy(pod: Pod, port: Int) -> InboundPolicy? {
        let labels = pod.metadata.labels ?? [:]
        let servers = state.all(Linkerd.Server.self, namespace: pod.namespace).filter { server in
            guard let spec = server.spec, let selector = spec.podSelector, selector.matches(labels) else { return false }
            switch spec.port {
            case .number(let n)?: return n == port
            case .name(let name)?: return meshing.containerPort(named: name, in: pod) == port
            case nil: return false
            }
        }
        guard let server = servers.first else { return nil }
        let authorizations = serverAuthorizations(server) + legacyAuthorizations(server)
        let routes = inboundRoutes(server)
        var fallback: [ClientAuthorization] = []
        // A Server with nothing authorizing it denies everything, unless (v1beta3) it names an
        // access policy to fall back to.
        if authorizations.isEmpty && routes.allSatisfy({ $0.authorizations.isEmpty }),
           let access = server.spec?.accessPolicy, let policy = DefaultPolicy(rawValue: access.rawValue) {
            fallback = Self.authorizations(for: policy, clusterNetworks: config.clusterNetworks)
        }
        return InboundPolicy(serverProtocol: Self.serverProtocol(server.spec?.proxyProtocol),
                             authorizations: authorizations + fallback, routes: routes,
                             rateLimit: rateLimit(server), serverKind: "server", serverName: server.name,
                             auditOnly: server.spec?.accessPolicy == .audit && authorizations.isEmpty)
    }

    static func serverProtocol(_ p: Linkerd.Server.ProxyProtocol?) -> ServerProtocol {
        switch p {
        case .http1?: return .http1
        case .http2?: return .http2
        case .grpc?: return .grpc
        case .opaque?: return .opaque
        case .tls?: return .tls
        case .unknown?, nil: return .detect
        }
    }

    /// AuthorizationPolicies that target the Server itself or its whole namespace.
    func serverAuthorizations(_ server: Linkerd.Server) -> [ClientAuthorization] {
        state.all(Linkerd.AuthorizationPolicy.self, namespace: server.namespace).compactMap { policy in
            guard let target = policy.spec?.targetRef else { return nil }
            let kind = target.kind ?? ""
            let isServer = kind == "Server" && target.name == server.name
            let isNamespace = kind == "Namespace" && target.name == server.namespace
            guard isServer || isNamespace else { return nil }
            return authorization(policy)
        }
    }

    /// One AuthorizationPolicy as a client authorization. Every referenced authentication must
    /// hold; a reference to something missing voids the policy (it authorizes nobody), as in
    /// Linkerd. An empty list authorizes nobody either: Tern fails closed here (see docs).
    func authorization(_ policy: Linkerd.AuthorizationPolicy) -> ClientAuthorization? {
        let refs = policy.spec?.requiredAuthenticationRefs ?? []
        guard !refs.isEmpty else { return nil }
        var networks = ClientAuthorization.allNetworks
        var identities: [IdentityMatch]? = nil
        for ref in refs {
            let ns = ref.namespace ?? policy.namespace
            switch ref.kind {
            case "MeshTLSAuthentication"?:
                guard let name = ref.name, let authn = state.get(Linkerd.MeshTLSAuthentication.self, namespace: ns, name: name) else { return nil }
                identities = intersect(identities, meshIdentities(authn))
            case "NetworkAuthentication"?:
                guard let name = ref.name, let authn = state.get(Linkerd.NetworkAuthentication.self, namespace: ns, name: name) else { return nil }
                networks = Self.networks(authn.spec?.networks)
            case "ServiceAccount"?:
                guard let name = ref.name, let id = config.identity(serviceAccount: name, namespace: ns) else { return nil }
                identities = intersect(identities, [.exact(id)])
            default:
                return nil
            }
        }
        return ClientAuthorization(networks: networks, authentication: identities.map { .meshTLS($0) } ?? .unauthenticated,
                                   kind: "authorizationpolicy", name: policy.name)
    }

    /// When two references both constrain the identity, a client must satisfy both: keep the
    /// patterns of the second that the first admits (exact names are checked against the first).
    private func intersect(_ current: [IdentityMatch]?, _ next: [IdentityMatch]) -> [IdentityMatch] {
        guard let current else { return next }
        if current.contains(.any) { return next }
        if next.contains(.any) { return current }
        return next.filter { candidate in
            guard case .exact(let id) = candidate else { return current.contains(candidate) }
            return current.contains { $0.matches(id) }
        }
    }

    /// A MeshTLSAuthentication's identities: patterns as written, ServiceAccount references as
    /// their identities (`*` meaning any meshed client, as seed 002 uses it), Namespace
    /// references as every identity of that namespace.
    func meshIdentities(_ authn: Linkerd.MeshTLSAuthentication) -> [IdentityMatch] {
        var out = (authn.spec?.identities ?? []).map(IdentityMatch.init(pattern:))
        for ref in authn.spec?.identityRefs ?? [] {
            let ns = ref.namespace ?? authn.namespace
            switch ref.kind {
            case "ServiceAccount"?:
                if ref.name == "*" { out.append(.any) }
                else if let name = ref.name, let id = config.identity(serviceAccount: name, namespace: ns) { out.append(.exact(id)) }
            case "Namespace"?:
                let name = ref.name ?? ns
                if name == "*" { out.append(.any) }
                else { out.append(.suffix("\(name).serviceaccount.identity.\(config.controlPlaneNamespace).\(config.trustDomain)")) }
            default:
                break
            }
        }
        return out
    }

    static func networks(_ list: [Linkerd.Network]?) -> [ClientAuthorization.Network] {
        (list ?? []).compactMap { n in
            guard let cidr = n.cidr.flatMap({ try? CIDR(parsing: $0) }) else { return nil }
            return ClientAuthorization.Network(cidr: cidr, except: (n.except ?? []).compactMap { try? CIDR(parsing: $0) })
        }
    }

    /// The legacy ServerAuthorization kind (v1beta1), by server name or label selector.
    func legacyAuthorizations(_ server: Linkerd.Server) -> [ClientAuthorization] {
        state.all(Linkerd.ServerAuthorization.self, namespace: server.namespace).compactMap { authz in
            guard let spec = authz.spec, let ref = spec.server else { return nil }
            let selected = ref.name == server.name || (ref.selector?.matches(server.metadata.labels ?? [:]) ?? false)
            guard selected, let client = spec.client else { return nil }
            let networks = client.networks.map { Self.networks($0) } ?? ClientAuthorization.allNetworks
            let authentication: ClientAuthorization.Authentication
            if client.unauthenticated == true {
                authentication = .unauthenticated
            } else if let mesh = client.meshTLS {
                if mesh.unauthenticatedTLS == true {
                    authentication = .tlsUnauthenticated
                } else {
                    var ids = (mesh.identities ?? []).map(IdentityMatch.init(pattern:))
                    for sa in mesh.serviceAccounts ?? [] {
                        if let name = sa.name, let id = config.identity(serviceAccount: name, namespace: sa.namespace ?? server.namespace) { ids.append(.exact(id)) }
                    }
                    authentication = .meshTLS(ids)
                }
            } else {
                return nil
            }
            return ClientAuthorization(networks: networks, authentication: authentication, kind: "serverauthorization", name: authz.name)
        }
    }

    /// HTTPRoutes whose parent is the Server, each with the AuthorizationPolicies that target it.
    func inboundRoutes(_ server: Linkerd.Server) -> [InboundRoute] {
        var out: [InboundRoute] = []
        let attached = state.all(Linkerd.HTTPRoute.self, namespace: server.namespace).map { ($0.metadata, $0.spec) }
            + state.all(GatewayAPI.HTTPRoute.self, namespace: server.namespace).map { ($0.metadata, $0.spec) }
        for (meta, spec) in attached {
            guard let spec, (spec.parentRefs ?? []).contains(where: { $0.kind == "Server" && $0.name == server.name }) else { continue }
            let name = meta.name ?? ""
            let authz = state.all(Linkerd.AuthorizationPolicy.self, namespace: server.namespace).compactMap { policy -> ClientAuthorization? in
                guard let t = policy.spec?.targetRef, t.kind == "HTTPRoute", t.name == name else { return nil }
                return authorization(policy)
            }
            let matches = (spec.rules ?? []).flatMap { rule in (rule.matches ?? []).map(OutboundIndex.match) }
            out.append(InboundRoute(name: name, matches: matches.isEmpty ? [HTTPMatch(path: .prefix("/"))] : matches, authorizations: authz))
        }
        return out.sorted { $0.name < $1.name }
    }

    func rateLimit(_ server: Linkerd.Server) -> RateLimit? {
        guard let policy = state.all(Linkerd.HTTPLocalRateLimitPolicy.self, namespace: server.namespace)
            .first(where: { $0.spec?.targetRef?.kind == "Server" && $0.spec?.targetRef?.name == server.name }), let spec = policy.spec else { return nil }
        func rate(_ n: Int?) -> UInt32? { n.flatMap { $0 > 0 ? UInt32(clamping: $0) : nil } }
        let overrides = (spec.overrides ?? []).compactMap { o -> RateLimit.Override? in
            guard let perSecond = rate(o.requestsPerSecond) else { return nil }
            let ids = (o.clientRefs ?? []).compactMap { ref -> IdentityMatch? in
                guard ref.kind == "ServiceAccount", let name = ref.name else { return nil }
                return config.identity(serviceAccount: name, namespace: ref.namespace ?? server.namespace).map { .exact($0) }
            }
            return RateLimit.Override(perSecond: perSecond, identities: ids)
        }
        return RateLimit(totalPerSecond: rate(spec.total?.requestsPerSecond), perIdentityPerSecond: rate(spec.identity?.requestsPerSecond), overrides: overrides)
    }
}
