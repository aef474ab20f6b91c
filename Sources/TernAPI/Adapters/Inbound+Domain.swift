import TernCore
import TernPolicy

// Inbound policy messages ↔ TernPolicy values.

extension Tern_Policy_V1_InboundServer {
    public init(_ policy: InboundPolicy) {
        self.init()
        switch policy.serverProtocol {
        case .detect: self.protocol = .detect
        case .http1: self.protocol = .http1
        case .http2: self.protocol = .http2
        case .grpc: self.protocol = .grpc
        case .opaque: self.protocol = .opaque
        case .tls: self.protocol = .tls
        }
        authorizations = policy.authorizations.map(Tern_Policy_V1_Authorization.init)
        routes = policy.routes.map { r in
            var route = Tern_Policy_V1_InboundRoute()
            route.name = r.name
            route.matches = r.matches.map(Tern_Policy_V1_HttpMatch.init)
            route.authorizations = r.authorizations.map(Tern_Policy_V1_Authorization.init)
            return route
        }
        if let limit = policy.rateLimit {
            var rl = Tern_Policy_V1_RateLimit()
            rl.totalPerSecond = limit.totalPerSecond ?? 0
            rl.perIdentityPerSecond = limit.perIdentityPerSecond ?? 0
            rl.overrides = limit.overrides.map { o in
                var out = Tern_Policy_V1_RateLimit.Override()
                out.perSecond = o.perSecond
                out.identities = o.identities.map(\.description)
                return out
            }
            rateLimit = rl
        }
        serverKind = policy.serverKind
        serverName = policy.serverName
        auditOnly = policy.auditOnly
    }

    public func domain() throws(AdapterError) -> InboundPolicy {
        let proto: ServerProtocol
        switch self.protocol {
        case .detect: proto = .detect
        case .http1: proto = .http1
        case .http2: proto = .http2
        case .grpc: proto = .grpc
        case .opaque: proto = .opaque
        case .tls: proto = .tls
        case .UNRECOGNIZED(let n): throw .invalid("unknown server protocol \(n)")
        }
        var routes: [InboundRoute] = []
        for r in self.routes {
            routes.append(InboundRoute(name: r.name, matches: try r.matches.map { m throws(AdapterError) in try m.domain() },
                                       authorizations: try r.authorizations.map { a throws(AdapterError) in try a.domain() }))
        }
        let limit: RateLimit? = hasRateLimit ? RateLimit(
            totalPerSecond: rateLimit.totalPerSecond == 0 ? nil : rateLimit.totalPerSecond,
            perIdentityPerSecond: rateLimit.perIdentityPerSecond == 0 ? nil : rateLimit.perIdentityPerSecond,
            overrides: rateLimit.overrides.map { RateLimit.Override(perSecond: $0.perSecond, identities: $0.identities.map(IdentityMatch.init(pattern:))) }
        ) : nil
        return InboundPolicy(serverProtocol: proto, authorizations: try authorizations.map { a throws(AdapterError) in try a.domain() },
                             routes: routes, rateLimit: limit, serverKind: serverKind, serverName: serverName, auditOnly: auditOnly)
    }
}

extension Tern_Policy_V1_Authorization {
    init(_ authz: ClientAuthorization) {
        self.init()
        networks = authz.networks.map { n in
            var net = Tern_Policy_V1_Network()
            net.cidr = n.cidr.description
            net.except = n.except.map(\.description)
            return net
        }
        switch authz.authentication {
        case .unauthenticated: authentication = .unauthenticated(.init())
        case .tlsUnauthenticated: authentication = .tlsUnauthenticated(.init())
        case .meshTLS(let ids):
            var mesh = Tern_Policy_V1_Authorization.MeshTls()
            mesh.identities = ids.map(\.description)
            authentication = .meshTls(mesh)
        }
        kind = authz.kind
        name = authz.name
    }

    func domain() throws(AdapterError) -> ClientAuthorization {
        var nets: [ClientAuthorization.Network] = []
        for n in networks {
            guard let cidr = try? CIDR(parsing: n.cidr) else { throw .invalid("network \"\(n.cidr)\" is not a CIDR") }
            var except: [CIDR] = []
            for e in n.except {
                guard let c = try? CIDR(parsing: e) else { throw .invalid("network exception \"\(e)\" is not a CIDR") }
                except.append(c)
            }
            nets.append(.init(cidr: cidr, except: except))
        }
        let auth: ClientAuthorization.Authentication
        switch authentication {
        case .unauthenticated?: auth = .unauthenticated
        case .tlsUnauthenticated?: auth = .tlsUnauthenticated
        case .meshTls(let m)?: auth = .meshTLS(m.identities.map(IdentityMatch.init(pattern:)))
        // An authorization that says nothing about authentication allows nobody: fail closed.
        case nil: auth = .meshTLS([])
        }
        return ClientAuthorization(networks: nets, authentication: auth, kind: kind, name: name)
    }
}

extension Tern_Policy_V1_HttpMatch {
    init(_ m: HTTPMatch) {
        self.init()
        switch m.path {
        case .exact(let p)?: path = .exact(p)
        case .prefix(let p)?: path = .prefix(p)
        case .regex(let p)?: path = .regex(p)
        case nil: break
        }
        headers = m.headers.map(Tern_Policy_V1_HttpMatch.NamedMatch.init)
        queryParams = m.queryParams.map(Tern_Policy_V1_HttpMatch.NamedMatch.init)
        method = m.method ?? ""
    }

    func domain() throws(AdapterError) -> HTTPMatch {
        let p: HTTPMatch.PathMatch?
        switch path {
        case .exact(let s)?: p = .exact(s)
        case .prefix(let s)?: p = .prefix(s)
        case .regex(let s)?: p = .regex(s)
        case nil: p = nil
        }
        return HTTPMatch(path: p, headers: try headers.map { h throws(AdapterError) in try h.domain() },
                         queryParams: try queryParams.map { q throws(AdapterError) in try q.domain() }, method: method.isEmpty ? nil : method)
    }
}

extension Tern_Policy_V1_HttpMatch.NamedMatch {
    init(_ m: HTTPMatch.NamedMatch) {
        self.init()
        name = m.name
        switch m.value {
        case .exact(let v): value = .exact(v)
        case .regex(let v): value = .regex(v)
        }
    }

    func domain() throws(AdapterError) -> HTTPMatch.NamedMatch {
        switch value {
        case .exact(let v)?: return .init(name: name, value: .exact(v))
        case .regex(let v)?: return .init(name: name, value: .regex(v))
        case nil: throw .invalid("match on \"\(name)\" has no value")
        }
    }
}
