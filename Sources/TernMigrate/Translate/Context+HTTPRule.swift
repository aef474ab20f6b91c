import TernCore
import TernResources

/// One Istio HTTP rule → a draft Gateway API rule: matches, backends, filters, timeouts,
/// and the route-level annotations (retries, faults) it needs.
extension TranslationContext {
    /// `include` filters matches by parent (`match.gateways`); nil drops the rule for it.
    mutating func draft(_ rule: Istio.HTTPRoute, index i: Int, vs ref: ObjectRef, include: (Istio.HTTPMatchRequest) -> Bool) -> DraftRule? {
        let path = FieldPath.spec("http").index(i)
        var matches: [DraftMatch] = []
        if let list = rule.match {
            let chosen = list.enumerated().filter { include($0.element) }
            if chosen.isEmpty { return nil }
            matches = chosen.map { k, m in convert(m, index: k, at: path.key("match").index(k), ref) }
        }
        var draft = DraftRule(source: i, matches: matches)
        if let name = rule.name {
            if KubernetesNames.isDNSLabel(name) {
                draft.name = name
                log.consume(ref, path.key("name"))
            } else {
                log.info(ref, path.key("name"), "\"\(name)\" is not a valid Gateway API rule name, so the rule is unnamed.")
            }
        }
        if rule.delegate != nil {
            log.change(ref, path.key("delegate"), "Gateway API routes cannot delegate to another route; the delegate VirtualService is translated on its own and is not bound here.",
                       action: "Merge the delegate's rules into this route, or attach the delegate's route to the same parents.")
            return nil
        }
        if let routes = rule.route {
            draft.backendRefs = backends(routes, at: path.key("route"), ref)
        }
        if let redirect = rule.redirect {
            draft.filters.append(.requestRedirect(redirectFilter(redirect, at: path.key("redirect"), ref)))
        }
        if let response = rule.directResponse {
            log.change(ref, path.key("directResponse"), "Gateway API cannot answer with a fixed response (Istio returned \(response.status ?? 0)); the rule has no backends, so Tern answers 500.",
                       action: "Serve the response from a small backend Service and route to it.")
        }
        if let rewrite = rule.rewrite { applyRewrite(rewrite, to: &draft, at: path.key("rewrite"), ref) }
        if let timeout = rule.timeout {
            draft.timeouts = GatewayAPI.HTTPRouteTimeouts(request: Self.canonicalDuration(timeout) ?? timeout)
            log.consume(ref, path.key("timeout"))
        }
        if let headers = rule.headers {
            draft.filters += headerFilters(headers, at: path.key("headers"), ref)
        }
        draft.filters += mirrorFilters(rule, at: path, ref)
        if let retries = rule.retries { draft.annotations.merge(retryAnnotations(retries, at: path.key("retries"), ref)) { a, _ in a } }
        if let fault = rule.fault { draft.annotations.merge(faultAnnotations(fault, at: path.key("fault"), ref)) { a, _ in a } }
        if rule.corsPolicy != nil {
            log.change(ref, path.key("corsPolicy"), "Tern does not answer CORS preflights or add CORS headers; Gateway API's CORS filter is experimental and not implemented.",
                       action: "Handle CORS in the application or at the ingress controller.")
        }
        return draft
    }

    /// Weighted destinations → backendRefs. A lone destination without weight gets all traffic.
    private mutating func backends(_ routes: [Istio.HTTPRouteDestination], at path: FieldPath, _ ref: ObjectRef) -> [GatewayAPI.BackendRef] {
        let anyWeight = routes.contains { $0.weight != nil }
        var out: [GatewayAPI.BackendRef] = []
        for (k, r) in routes.enumerated() {
            let p = path.index(k)
            guard let destination = r.destination, var backend = backendRef(destination, at: p.key("destination"), ref) else { continue }
            if routes.count > 1 && anyWeight {
                // Istio leaves an unweighted destination at 0 once others carry weights.
                backend.weight = r.weight ?? 0
            } else if r.weight == 0 {
                log.info(ref, p.key("weight"), "A single destination receives all traffic regardless of its weight; the weight was left out.")
            }
            if r.weight != nil { log.consume(ref, p.key("weight")) }
            if let headers = r.headers {
                let filters = headerFilters(headers, at: p.key("headers"), ref)
                backend.filters = filters.isEmpty ? nil : filters
            }
            out.append(backend)
        }
        return out
    }

    /// A destination as a Service backend (per-version Service for a subset).
    mutating func backendRef(_ d: Istio.Destination, at path: FieldPath, _ ref: ObjectRef) -> GatewayAPI.BackendRef? {
        guard let host = d.host else { return nil }
        guard let resolved = index.resolve(host: host, from: ref.namespace) else {
            log.change(ref, path.key("host"), "\"\(host)\" is not a Kubernetes Service in the input; Gateway API routes send traffic to Services, so this destination was left out.",
                       action: "Add the Service to the input, or for an external host create a Service of type ExternalName or an EgressNetwork.")
            return nil
        }
        log.consume(ref, path.key("host"))
        var name = resolved.name
        if let subset = d.subset {
            if let service = subsetServices["\(resolved.namespace)/\(resolved.name)/\(subset)"] {
                name = service
                log.consume(ref, path.key("subset"))
            } else {
                log.change(ref, path.key("subset"), "No DestinationRule in the input defines subset \"\(subset)\" of \(resolved.namespace)/\(resolved.name); traffic goes to every version.",
                           action: "Add the DestinationRule (and the Service) to the input and run the migration again.")
            }
        }
        let port = index.port(of: resolved, requested: d.port?.number)
        if d.port != nil { log.consume(ref, path.key("port")) }
        if port == nil {
            log.change(ref, path, "The port of \(resolved.namespace)/\(resolved.name) is unknown (the Service is not in the input or has several ports), and Gateway API needs one for a Service backend.",
                       action: "Set destination.port in Istio, or add the Service to the input, and run the migration again.")
        }
        if resolved.namespace != ref.namespace { crossNamespaceBackends.insert("\(ref.namespace)|\(resolved.namespace)|\(name)|\(currentRouteKind)") }
        return GatewayAPI.BackendRef(namespace: resolved.namespace, name: name, port: port)
    }

    private mutating func redirectFilter(_ r: Istio.HTTPRedirect, at path: FieldPath, _ ref: ObjectRef) -> GatewayAPI.HTTPRequestRedirectFilter {
        var f = GatewayAPI.HTTPRequestRedirectFilter()
        if let uri = r.uri {
            f.path = .fullPath(uri.hasPrefix("/") ? uri : "/" + uri)
            log.consume(ref, path.key("uri"))
        }
        if let authority = r.authority {
            let parts = authority.split(separator: ":", maxSplits: 1).map(String.init)
            f.hostname = parts[0]
            if parts.count == 2, let port = Int(parts[1]) { f.port = port }
            log.consume(ref, path.key("authority"))
        }
        if let port = r.port {
            f.port = port
            log.consume(ref, path.key("port"))
        }
        switch r.derivePort {
        case "FROM_REQUEST_PORT"?:
            log.change(ref, path.key("derivePort"), "Gateway API keeps the listener's port (or the scheme's default when the scheme changes), not the request's port.",
                       action: "Set redirect.port explicitly if clients use a non-default port.")
        case .some: log.consume(ref, path.key("derivePort"))
        case nil: break
        }
        if let scheme = r.scheme {
            if let s = GatewayAPI.RedirectScheme(rawValue: scheme.lowercased()) {
                f.scheme = s
                log.consume(ref, path.key("scheme"))
            } else {
                log.change(ref, path.key("scheme"), "Gateway API redirects only to http or https.", action: "Redirect in the application.")
            }
        }
        let code = r.redirectCode ?? 301 // Istio's default; Gateway API's is 302.
        if [301, 302, 303, 307, 308].contains(code) {
            f.statusCode = code
            if r.redirectCode != nil { log.consume(ref, path.key("redirectCode")) }
        } else {
            f.statusCode = [307, 308].contains(code) ? code : 302
            log.change(ref, path.key("redirectCode"), "Gateway API redirects with 301, 302, 303, 307 or 308; \(code) became \(f.statusCode!).", action: "Check that clients handle the new code.")
        }
        return f
    }

    private mutating func applyRewrite(_ r: Istio.HTTPRewrite, to draft: inout DraftRule, at path: FieldPath, _ ref: ObjectRef) {
        if let uri = r.uri {
            draft.pathRewrite = uri.hasPrefix("/") ? uri : "/" + uri
            log.consume(ref, path.key("uri"))
        }
        if let authority = r.authority {
            let host = String(authority.split(separator: ":").first ?? "")
            if KubernetesNames.isDNSSubdomain(host) {
                draft.hostRewrite = host
                log.consume(ref, path.key("authority"))
                if host != authority { log.info(ref, path.key("authority"), "Gateway API rewrites the hostname only; the port in \"\(authority)\" was left out.") }
            } else {
                log.change(ref, path.key("authority"), "\"\(authority)\" is not a hostname Gateway API can rewrite to.", action: "Rewrite the Host header in the application.")
            }
        }
        if r.uriRegexRewrite != nil {
            log.change(ref, path.key("uriRegexRewrite"), "Gateway API cannot rewrite paths with a regular expression.",
                       action: "Replace it with prefix or full-path rewrites per match, or rewrite in the application.")
        }
    }

    mutating func headerFilters(_ h: Istio.Headers, at path: FieldPath, _ ref: ObjectRef) -> [GatewayAPI.HTTPRouteFilter] {
        var out: [GatewayAPI.HTTPRouteFilter] = []
        if let request = h.request, !request.isEmpty {
            out.append(.requestHeaderModifier(Self.headerFilter(request)))
            log.consume(ref, path.key("request"))
        }
        if let response = h.response, !response.isEmpty {
            out.append(.responseHeaderModifier(Self.headerFilter(response)))
            log.consume(ref, path.key("response"))
        }
        return out
    }

    static func headerFilter(_ ops: Istio.HeaderOperations) -> GatewayAPI.HTTPHeaderFilter {
        func headers(_ map: [String: String]?) -> [GatewayAPI.HTTPHeader]? {
            guard let map, !map.isEmpty else { return nil }
            return map.sorted { $0.key < $1.key }.map { GatewayAPI.HTTPHeader(name: $0.key, value: $0.value) }
        }
        let remove = ops.remove.map { Array(Set($0)).sorted() }
        return GatewayAPI.HTTPHeaderFilter(set: headers(ops.set), add: headers(ops.add), remove: remove?.isEmpty == true ? nil : remove)
    }

    private mutating func mirrorFilters(_ rule: Istio.HTTPRoute, at path: FieldPath, _ ref: ObjectRef) -> [GatewayAPI.HTTPRouteFilter] {
        var out: [GatewayAPI.HTTPRouteFilter] = []
        if let mirror = rule.mirror, let backend = backendRef(mirror, at: path.key("mirror"), ref) {
            var percent: Double?
            if let p = rule.mirrorPercentage?.value { percent = p; log.consume(ref, path.key("mirrorPercentage")) }
            else if let p = rule.mirrorPercent { percent = Double(p); log.consume(ref, path.key("mirrorPercent")) }
            out.append(.requestMirror(Self.mirror(backend, percent)))
        }
        for (k, m) in (rule.mirrors ?? []).enumerated() {
            let p = path.key("mirrors").index(k)
            guard let d = m.destination, let backend = backendRef(d, at: p.key("destination"), ref) else { continue }
            if m.percentage != nil { log.consume(ref, p.key("percentage")) }
            out.append(.requestMirror(Self.mirror(backend, m.percentage?.value)))
        }
        return out
    }

    /// Istio mirrors 100 % unless told otherwise; fractional percentages become a fraction.
    static func mirror(_ backend: GatewayAPI.BackendRef, _ percent: Double?) -> GatewayAPI.HTTPRequestMirrorFilter {
        let target = GatewayAPI.BackendObjectReference(namespace: backend.namespace, name: backend.name ?? "", port: backend.port)
        guard let percent, percent < 100 else { return GatewayAPI.HTTPRequestMirrorFilter(backendRef: target) }
        if percent == percent.rounded() { return GatewayAPI.HTTPRequestMirrorFilter(backendRef: target, percent: Int(percent)) }
        return GatewayAPI.HTTPRequestMirrorFilter(backendRef: target, fraction: GatewayAPI.Fraction(numerator: Int((percent * 1000).rounded()), denominator: 100_000))
    }
}
