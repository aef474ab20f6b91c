import TernCore
import TernPolicy
import TernResources

extension OutboundIndex {
    /// A route attached to the Service, with where it lives.
    struct AttachedRoute {
        var kind: String
        var metadata: ObjectMeta
        var namespace: String
        var rules: [OutboundRoute]
    }

    /// GAMMA routes for the service port. Routes in the caller's own namespace (consumer
    /// routes) replace the service's (producer) routes for that caller, as in Gateway API.
    func gatewayRoutes(for service: Service, port: Int, callerNamespace: String?) -> [OutboundRoute] {
        var attached: [AttachedRoute] = []
        for route in state.all(GatewayAPI.HTTPRoute.self) {
            guard let spec = route.spec, attaches(spec.parentRefs, route.namespace, to: service, port: port) else { continue }
            attached.append(AttachedRoute(kind: "HTTPRoute", metadata: route.metadata, namespace: route.namespace,
                                          rules: httpRules(spec.rules ?? [], route: route.metadata, namespace: route.namespace, service: service, port: port)))
        }
        for route in state.all(Linkerd.HTTPRoute.self) {
            guard let spec = route.spec, attaches(spec.parentRefs, route.namespace, to: service, port: port) else { continue }
            attached.append(AttachedRoute(kind: "HTTPRoute", metadata: route.metadata, namespace: route.namespace,
                                          rules: httpRules(spec.rules ?? [], route: route.metadata, namespace: route.namespace, service: service, port: port)))
        }
        for route in state.all(GatewayAPI.GRPCRoute.self) {
            guard let spec = route.spec, attaches(spec.parentRefs, route.namespace, to: service, port: port) else { continue }
            attached.append(AttachedRoute(kind: "GRPCRoute", metadata: route.metadata, namespace: route.namespace,
                                          rules: grpcRules(spec.rules ?? [], route: route.metadata, namespace: route.namespace, service: service, port: port)))
        }
        if let caller = callerNamespace, caller != service.namespace, attached.contains(where: { $0.namespace == caller }) {
            attached.removeAll { $0.namespace != caller }
        } else {
            attached.removeAll { $0.namespace != service.namespace }
        }
        // Ties in match precedence go to the route listed first: order by namespace/name.
        return attached.sorted { ($0.namespace, $0.metadata.name ?? "") < ($1.namespace, $1.metadata.name ?? "") }.flatMap(\.rules)
    }

    func attaches(_ parents: [GatewayAPI.ParentReference]?, _ routeNamespace: String, to service: Service, port: Int) -> Bool {
        (parents ?? []).contains { p in
            p.isService && p.name == service.name && (p.namespace ?? routeNamespace) == service.namespace && (p.port == nil || p.port == port)
        }
    }

    func httpRules(_ rules: [GatewayAPI.HTTPRouteRule], route: ObjectMeta, namespace: String, service: Service, port: Int) -> [OutboundRoute] {
        let layered = RouteAnnotations.Layered(route: route.annotations ?? [:], service: service.metadata.annotations ?? [:])
        return rules.enumerated().map { (i, rule) in
            let matches = (rule.matches ?? []).map(Self.match)
            let timeouts = RouteTimeouts(request: rule.timeouts?.request.flatMap { try? GoDuration(parsing: $0) },
                                         backendRequest: rule.timeouts?.backendRequest.flatMap { try? GoDuration(parsing: $0) })
            return OutboundRoute(kind: "HTTPRoute", namespace: namespace, name: ruleName(route, rule.name, i, count: rules.count),
                                 matches: matches.isEmpty ? [HTTPMatch(path: .prefix("/"))] : matches,
                                 filters: (rule.filters ?? []).compactMap { filter($0, namespace: namespace, port: port) },
                                 backends: backends(rule.backendRefs, namespace: namespace, port: port),
                                 timeouts: RouteAnnotations.timeouts(layered, rule: timeouts),
                                 retry: RouteAnnotations.retry(layered),
                                 fault: RouteAnnotations.fault(route.annotations ?? [:]))
        }
    }

    func grpcRules(_ rules: [GatewayAPI.GRPCRouteRule], route: ObjectMeta, namespace: String, service: Service, port: Int) -> [OutboundRoute] {
        let layered = RouteAnnotations.Layered(route: route.annotations ?? [:], service: service.metadata.annotations ?? [:])
        return rules.enumerated().map { (i, rule) in
            let matches = (rule.matches ?? []).map { m -> HTTPMatch in
                // gRPC calls are POSTs to /package.Service/Method.
                var path: HTTPMatch.PathMatch? = nil
                if let method = m.method {
                    let svc = method.service, name = method.method
                    if method.type == .regularExpression {
                        path = .regex("/\(svc ?? "[^/]+")/\(name ?? "[^/]+")")
                    } else if let svc, let name {
                        path = .exact("/\(svc)/\(name)")
                    } else if let svc {
                        path = .prefix("/\(svc)")
                    } else if let name {
                        path = .regex("/[^/]+/\(name)")
                    }
                }
                return HTTPMatch(path: path, headers: (m.headers ?? []).compactMap(Self.header))
            }
            return OutboundRoute(kind: "GRPCRoute", namespace: namespace, name: ruleName(route, rule.name, i, count: rules.count),
                                 matches: matches.isEmpty ? [HTTPMatch(path: .prefix("/"))] : matches,
                                 filters: (rule.filters ?? []).compactMap { filter($0, namespace: namespace, port: port) },
                                 backends: backends(rule.backendRefs, namespace: namespace, port: port),
                                 timeouts: RouteAnnotations.timeouts(layered, rule: RouteTimeouts()),
                                 retry: RouteAnnotations.retry(layered),
                                 fault: RouteAnnotations.fault(route.annotations ?? [:]))
        }
    }

    private func ruleName(_ route: ObjectMeta, _ ruleName: String?, _ index: Int, count: Int) -> String {
        let base = route.name ?? ""
        if let ruleName { return "\(base)/\(ruleName)" }
        return count == 1 ? base : "\(base)/\(index)"
    }

    static func match(_ m: GatewayAPI.HTTPRouteMatch) -> HTTPMatch {
        var path: HTTPMatch.PathMatch? = nil
        if let p = m.path {
            let value = p.value ?? "/"
            switch p.effectiveType {
            case .exact: path = .exact(value)
            case .pathPrefix: path = .prefix(value)
            case .regularExpression: path = .regex(value)
            }
        }
        let query = (m.queryParams ?? []).compactMap { q -> HTTPMatch.NamedMatch? in
            guard let name = q.name, let value = q.value else { return nil }
            return .init(name: name, value: q.type == .regularExpression ? .regex(value) : .exact(value))
        }
        return HTTPMatch(path: path, headers: (m.headers ?? []).compactMap(header), queryParams: query, method: m.method?.rawValue)
    }

    static func header(_ h: GatewayAPI.HTTPHeaderMatch) -> HTTPMatch.NamedMatch? {
        guard let name = h.name, let value = h.value else { return nil }
        return .init(name: name, value: h.type == .regularExpression ? .regex(value) : .exact(value))
    }

    func backends(_ refs: [GatewayAPI.BackendRef]?, namespace: String, port: Int) -> [Backend] {
        (refs ?? []).compactMap { ref in
            guard let name = ref.name, (ref.kind ?? "Service") == "Service", (ref.group ?? "").isEmpty || ref.group == "core" else { return nil }
            return Backend(target: .service(name: name, namespace: ref.namespace ?? namespace, port: ref.port ?? port),
                           weight: UInt32(max(0, ref.weight ?? 1)),
                           filters: (ref.filters ?? []).compactMap { filter($0, namespace: namespace, port: port) })
        }
    }

    func filter(_ f: GatewayAPI.HTTPRouteFilter, namespace: String, port: Int) -> RouteFilter? {
        func headers(_ h: GatewayAPI.HTTPHeaderFilter) -> HeaderModifier {
            func pairs(_ list: [GatewayAPI.HTTPHeader]?) -> [String: String] {
                Dictionary((list ?? []).compactMap { h in h.name.map { ($0, h.value ?? "") } }, uniquingKeysWith: { _, last in last })
            }
            return HeaderModifier(set: pairs(h.set), add: pairs(h.add), remove: h.remove ?? [])
        }
        func path(_ p: GatewayAPI.HTTPPathModifier?) -> PathRewrite? {
            switch p?.type {
            case .replaceFullPath?: return p?.replaceFullPath.map { .full($0) }
            case .replacePrefixMatch?: return p?.replacePrefixMatch.map { .prefix($0) }
            case nil: return nil
            }
        }
        switch f.type {
        case .requestHeaderModifier?: return f.requestHeaderModifier.map { .requestHeaders(headers($0)) }
        case .responseHeaderModifier?: return f.responseHeaderModifier.map { .responseHeaders(headers($0)) }
        case .requestRedirect?:
            guard let r = f.requestRedirect else { return nil }
            return .redirect(scheme: r.scheme?.rawValue, hostname: r.hostname, path: path(r.path), port: r.port, statusCode: r.statusCode ?? 302)
        case .urlRewrite?:
            guard let r = f.urlRewrite else { return nil }
            return .rewrite(hostname: r.hostname, path: path(r.path))
        case .requestMirror?:
            guard let ref = f.requestMirror?.backendRef, let name = ref.name else { return nil }
            return .mirror(.service(name: name, namespace: ref.namespace ?? namespace, port: ref.port ?? port))
        case .extensionRef?, nil:
            return nil
        }
    }
}
