import TernCore
import TernPolicy
import TernResources

extension OutboundIndex {
    /// Routes from the service's ServiceProfile (named `svc.ns.svc.<domain>`), the caller's own
    /// profile first (as Linkerd does), else the one in the service's namespace.
    func profileRoutes(for service: Service, port: Int, callerNamespace: String?) -> [OutboundRoute] {
        let name = "\(service.name).\(service.namespace).svc.\(config.clusterDomain)"
        let namespaces = [callerNamespace, service.namespace].compactMap { $0 }
        guard let profile = namespaces.lazy.compactMap({ self.state.get(Linkerd.ServiceProfile.self, namespace: $0, name: name) }).first,
              let spec = profile.spec else { return [] }
        let backends = profileBackends(spec.dstOverrides, service: service, port: port)
        var routes: [OutboundRoute] = []
        for route in spec.routes ?? [] {
            // A condition with `not` cannot be expressed as positive matches; such a route is
            // left out rather than widened to match more than its author meant.
            guard let matches = Self.matches(route.condition) else { continue }
            let failures = (route.responseClasses ?? []).filter { $0.isFailure == true }.flatMap { Self.statusRanges($0.condition) }
            let budget = Self.budget(route.retryBudget ?? spec.retryBudget)
            routes.append(OutboundRoute(
                kind: "ServiceProfile", namespace: profile.namespace, name: route.name ?? "",
                matches: matches, backends: backends,
                timeouts: RouteTimeouts(request: route.timeout.flatMap { try? GoDuration(parsing: $0) }),
                retry: route.isRetryable == true
                    ? RetryPolicy(limit: 10, statuses: failures.isEmpty ? [StatusRange(min: 500, max: 599)] : failures, budget: budget)
                    : nil,
                failureStatuses: failures))
        }
        // Requests that match no profile route still go to the backends.
        routes.append(OutboundRoute(kind: "ServiceProfile", namespace: profile.namespace, name: "default", backends: backends))
        return routes
    }

    func profileBackends(_ overrides: [Linkerd.ServiceProfile.WeightedDestination]?, service: Service, port: Int) -> [Backend] {
        let targets = (overrides ?? []).compactMap { d -> Backend? in
            guard let authority = d.authority,
                  case .service(let ns, let name, let p)? = DestinationTarget(authority: authority, clusterDomain: config.clusterDomain) else { return nil }
            return Backend(target: .service(name: name, namespace: ns, port: authority.contains(":") ? p : port), weight: Self.weight(d.weight))
        }
        return targets.isEmpty ? splitBackends(for: service, port: port) : targets
    }

    /// A profile condition as alternatives (OR) of matches; nil when it uses `not`.
    static func matches(_ condition: Linkerd.ServiceProfile.RequestMatch?) -> [HTTPMatch]? {
        guard let condition else { return [HTTPMatch(path: .prefix("/"))] }
        if condition.not != nil { return nil }
        if let any = condition.any {
            var out: [HTTPMatch] = []
            for c in any {
                guard let m = matches(c) else { return nil }
                out += m
            }
            return out
        }
        var match = HTTPMatch(path: condition.pathRegex.map { .regex($0) }, method: condition.method)
        for c in condition.all ?? [] {
            // `all` of single alternatives merges; a nested `any` inside `all` is not expressible.
            guard let parts = matches(c), parts.count == 1 else { return nil }
            let part = parts[0]
            if let p = part.path, p != .prefix("/") {
                if match.path != nil && match.path != p { return nil }
                match.path = p
            }
            if let m = part.method {
                if match.method != nil && match.method != m { return [] }
                match.method = m
            }
        }
        if match.path == nil { match.path = .prefix("/") }
        return [match]
    }

    static func statusRanges(_ m: Linkerd.ServiceProfile.ResponseMatch?) -> [StatusRange] {
        guard let m else { return [] }
        var out: [StatusRange] = []
        if let s = m.status { out.append(StatusRange(min: s.min ?? 100, max: s.max ?? 599)) }
        for c in (m.any ?? []) + (m.all ?? []) { out += statusRanges(c) }
        return out
    }

    static func budget(_ b: Linkerd.ServiceProfile.RetryBudget?) -> RetryBudget {
        var budget = RetryBudget()
        if let r = b?.retryRatio { budget.ratio = r }
        if let m = b?.minRetriesPerSecond, m >= 0 { budget.minPerSecond = UInt32(m) }
        if let t = b?.ttl.flatMap({ try? GoDuration(parsing: $0) }) { budget.ttl = t }
        return budget
    }
}
