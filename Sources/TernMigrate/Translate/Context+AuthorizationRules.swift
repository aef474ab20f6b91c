import TernCore
import TernResources

/// The parts of an Istio ALLOW rule: sources → authentications, operations → route matches
/// and ports; and the routes every Server needs (kubelet probes, a catch-all).
extension TranslationContext {
    struct Operation {
        /// nil: the whole Server; else the requests of a `policy.linkerd.io` HTTPRoute.
        var matches: [GatewayAPI.HTTPRouteMatch]?
        var ports: [Int]?
    }

    /// A source's conditions, all required; nil when nothing of it is expressible (the
    /// alternative is dropped, which only narrows what is allowed).
    mutating func translateSource(_ s: Istio.AuthorizationPolicy.Source, at path: FieldPath, _ ref: ObjectRef) -> [MigrationAuth]? {
        let mapping = PrincipalMapping(controlPlaneNamespace: options.controlPlaneNamespace, trustDomain: options.trustDomain)
        var identities: [String]?
        var unexpressible = false
        if let principals = s.principals {
            var out: [String] = []
            for (i, p) in principals.enumerated() {
                switch mapping.identity(principal: p) {
                case .identity(let id):
                    out.append(id)
                    if PrincipalMapping.namespace(of: p) == input.rootNamespace, p.contains("ingressgateway") {
                        log.info(ref, path.key("principals").index(i), "This is Istio's ingress gateway; the identity holds while that gateway is meshed with Tern (ingress option A).",
                                 action: "If you switch to another ingress controller, replace it with that controller's identity.")
                    }
                case .unsupported(let why):
                    unexpressible = true
                    log.change(ref, path.key("principals").index(i), "Principal \"\(p)\" cannot be a Tern identity: \(why). It was left out, so those clients are denied.",
                               action: "List the service accounts explicitly.")
                }
            }
            log.consume(ref, path.key("principals"))
            identities = out
        }
        if let accounts = s.serviceAccounts {
            var out = identities ?? []
            for account in accounts {
                let parts = account.split(separator: "/").map(String.init)
                let principal = parts.count == 2 ? "cluster.local/ns/\(parts[0])/sa/\(parts[1])" : "cluster.local/ns/\(ref.namespace)/sa/\(account)"
                if case .identity(let id) = mapping.identity(principal: principal) { out.append(id) }
            }
            log.consume(ref, path.key("serviceAccounts"))
            identities = out
        }
        if let namespaces = s.namespaces {
            let nsIdentities = namespaces.compactMap { ns -> String? in
                if case .identity(let id) = mapping.identity(namespace: ns) { return id }
                log.change(ref, path.key("namespaces"), "Namespace pattern \"\(ns)\" cannot be a Tern identity; it was left out, so those clients are denied.", action: "List the namespaces explicitly.")
                return nil
            }
            log.consume(ref, path.key("namespaces"))
            if let principals = identities {
                // Both given: a principal must also be in one of the namespaces.
                identities = principals.filter { id in nsIdentities.contains("*") || nsIdentities.contains { ns in id.hasSuffix(String(ns.dropFirst(1))) } }
            } else {
                identities = nsIdentities
            }
        }
        var networks: [String]?
        if let blocks = s.ipBlocks {
            networks = blocks.map { $0.contains("/") ? $0 : ($0.contains(":") ? "\($0)/128" : "\($0)/32") }
            log.consume(ref, path.key("ipBlocks"))
        }
        let negations: [(String, [String]?)] = [("notPrincipals", s.notPrincipals), ("notNamespaces", s.notNamespaces), ("notIpBlocks", s.notIpBlocks),
                                                 ("notServiceAccounts", s.notServiceAccounts), ("notRemoteIpBlocks", s.notRemoteIpBlocks)]
        for (key, value) in negations where value != nil {
            log.security(ref, path.key(key), "Tern authorizations cannot exclude clients; the clients this excluded are now allowed by the rest of the source.",
                         action: "List the allowed clients positively instead.")
        }
        if s.requestPrincipals != nil || s.notRequestPrincipals != nil {
            log.security(ref, path.key(s.requestPrincipals != nil ? "requestPrincipals" : "notRequestPrincipals"),
                         "Tern does not check JWT principals; any client matching the rest of the source is allowed, with or without a token.",
                         action: "Validate tokens in the application or at the ingress controller.")
        }
        if s.remoteIpBlocks != nil {
            log.security(ref, path.key("remoteIpBlocks"), "Tern authorizes the connecting address, not the original client address from X-Forwarded-For; the restriction is gone.",
                         action: "Enforce it at the ingress controller.")
        }
        var auths: [MigrationAuth] = []
        if let identities {
            if identities.isEmpty { return nil }
            auths.append(.mesh(Array(Set(identities)).sorted()))
        }
        if let networks { auths.append(.network(networks)) }
        if auths.isEmpty {
            if unexpressible { return nil }
            auths.append(.network(["0.0.0.0/0", "::/0"]))
        }
        return auths
    }

    mutating func translateOperations(_ to: [Istio.AuthorizationPolicy.To]?, at path: FieldPath, _ ref: ObjectRef) -> [Operation] {
        guard let to, !to.isEmpty else { return [Operation()] }
        var out: [Operation] = []
        for (i, item) in to.enumerated() {
            guard let op = item.operation else { continue }
            let p = path.index(i).key("operation")
            var methods: [GatewayAPI.HTTPMethod?] = [nil]
            if let list = op.methods {
                methods = list.compactMap { m in
                    if let method = GatewayAPI.HTTPMethod(rawValue: m.uppercased()) { return method }
                    log.change(ref, p.key("methods"), "Method \"\(m)\" is not one Gateway API can match; it was left out (denied).", action: "Check the method name.")
                    return nil
                }
                log.consume(ref, p.key("methods"))
                if methods.isEmpty { continue }
            }
            var paths: [GatewayAPI.HTTPPathMatch?] = [nil]
            if let list = op.paths {
                paths = list.map { Self.pathMatch($0) }
                for (k, raw) in list.enumerated() where raw.hasSuffix("/*") {
                    log.info(ref, p.key("paths").index(k), "\"\(raw)\" became PathPrefix \"\(raw.dropLast())\", which also matches \"\(raw.dropLast(2))\" itself.")
                }
                log.consume(ref, p.key("paths"))
            }
            var ports: [Int]?
            if let list = op.ports {
                ports = list.compactMap { Int($0) }
                log.consume(ref, p.key("ports"))
            }
            for (key, value) in [("notMethods", op.notMethods), ("notPaths", op.notPaths), ("notPorts", op.notPorts), ("notHosts", op.notHosts)] where value != nil {
                log.security(ref, p.key(key), "Tern authorizations cannot exclude requests; what this excluded is now allowed.", action: "List the allowed operations positively instead.")
            }
            if op.hosts != nil {
                log.security(ref, p.key("hosts"), "Tern authorizes per Server and route, not per Host header; requests for other hosts are allowed too.",
                             action: "Split the hosts onto separate workloads or enforce the host in the application.")
            }
            let matches: [GatewayAPI.HTTPRouteMatch]? = op.methods == nil && op.paths == nil ? nil
                : paths.flatMap { path in methods.map { GatewayAPI.HTTPRouteMatch(path: path, method: $0) } }
            out.append(Operation(matches: matches, ports: ports))
        }
        return out
    }

    /// Istio paths: exact, `prefix*`, `*suffix`, or `*`.
    static func pathMatch(_ raw: String) -> GatewayAPI.HTTPPathMatch? {
        if raw == "*" { return nil }
        if raw.hasSuffix("/*") { return GatewayAPI.HTTPPathMatch(type: .pathPrefix, value: String(raw.dropLast())) }
        if raw.hasSuffix("*") { return GatewayAPI.HTTPPathMatch(type: .regularExpression, value: regexEscaped(String(raw.dropLast())) + ".*") }
        if raw.hasPrefix("*") { return GatewayAPI.HTTPPathMatch(type: .regularExpression, value: ".*" + regexEscaped(String(raw.dropFirst()))) }
        return GatewayAPI.HTTPPathMatch(type: .exact, value: raw)
    }

    /// Kubelet probes come from the node, without a mesh identity: each Server whose pods have
    /// HTTP probes gets an exact-path route for them, authorized from the probe networks. A
    /// Server with routes answers 404 to requests no route matches, so one that is also
    /// authorized as a whole gets a catch-all route.
    mutating func addProbeAndCatchAllRoutes(_ draft: inout AuthorizationDraft) {
        for server in draft.servers {
            let ns = server.namespace
            let port = portNumber(server)
            let probes = index.workloads.filter { $0.namespace == ns && $0.podLabels == server.podLabels }
                .flatMap(\.probes).filter { $0.port == nil || $0.port == port }
            let source = draft.sources["Server/\(ns)/\(server.name)"]!
            if !probes.isEmpty {
                let routeName = names.allocate(kind: "HTTPRoute.policy", namespace: ns, base: "\(server.name)-probes")
                let paths: [String] = Array(Set(probes.map { $0.path })).sorted()
                draft.routes.append(AuthorizationDraft.Route(name: routeName, namespace: ns, server: server.name, matches: paths.map {
                    GatewayAPI.HTTPRouteMatch(path: GatewayAPI.HTTPPathMatch(type: .exact, value: $0), method: .get)
                }))
                draft.sources["HTTPRoute/\(ns)/\(routeName)"] = source
                let networks = options.probeNetworks
                let auth: String
                if let existing = draft.networkAuthentications.first(where: { $0.namespace == ns && $0.name.hasPrefix("kubelet-probes") && $0.networks == networks }) {
                    auth = existing.name
                } else {
                    auth = names.allocate(kind: "NetworkAuthentication", namespace: ns, base: "kubelet-probes")
                    draft.networkAuthentications.append(AuthorizationDraft.NetworkAuthentication(name: auth, namespace: ns, networks: networks))
                    draft.sources["NetworkAuthentication/\(ns)/\(auth)"] = source
                }
                let policyName = names.allocate(kind: "AuthorizationPolicy", namespace: ns, base: routeName)
                draft.policies.append(AuthorizationDraft.Policy(name: policyName, namespace: ns, target: .route(routeName), authentications: [.network(auth)], source: source))
            }
            let hasRoutes = draft.routes.contains { $0.namespace == ns && $0.server == server.name }
            let wholeServer = draft.policies.contains { $0.namespace == ns && ($0.target == .server(server.name) || $0.target == .namespace(ns)) }
            if hasRoutes && wholeServer {
                let routeName = names.allocate(kind: "HTTPRoute.policy", namespace: ns, base: "\(server.name)-all")
                draft.routes.append(AuthorizationDraft.Route(name: routeName, namespace: ns, server: server.name,
                                                             matches: [GatewayAPI.HTTPRouteMatch(path: GatewayAPI.HTTPPathMatch(type: .pathPrefix, value: "/"))]))
                draft.sources["HTTPRoute/\(ns)/\(routeName)"] = source
            }
        }
    }
}
