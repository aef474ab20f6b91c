import TernCore

extension GatewayAPI {
    /// The spec of an HTTP route; shared by Gateway API's HTTPRoute and Linkerd's
    /// `policy.linkerd.io` HTTPRoute, which has the same shape.
    public struct HTTPRouteSpec: Codable, Sendable, Hashable {
        public var parentRefs: [ParentReference]?
        public var hostnames: [String]?
        public var rules: [HTTPRouteRule]?

        public init(parentRefs: [ParentReference]? = nil, hostnames: [String]? = nil, rules: [HTTPRouteRule]? = nil) {
            self.parentRefs = parentRefs
            self.hostnames = hostnames
            self.rules = rules
        }

        func validate(_ v: inout Validator, parentKinds: [(group: String, kind: String)], parentGroup: String) {
            v.parentRefs(parentRefs, allowed: parentKinds, defaultGroup: parentGroup)
            v.each("hostnames", hostnames) { v, h in v.gatewayHostname(h, at: nil) }
            var names: Set<String> = []
            v.each("rules", rules) { v, r in
                v.ruleName(r.name, seen: &names)
                r.validate(&v)
            }
        }
    }

    /// Matches, filters and backends: requests meeting any of `matches` go through `filters`
    /// to one of `backendRefs`, picked by weight.
    public struct HTTPRouteRule: Codable, Sendable, Hashable {
        public var name: String?
        public var matches: [HTTPRouteMatch]?
        public var filters: [HTTPRouteFilter]?
        public var backendRefs: [BackendRef]?
        public var timeouts: HTTPRouteTimeouts?

        public init(name: String? = nil, matches: [HTTPRouteMatch]? = nil, filters: [HTTPRouteFilter]? = nil, backendRefs: [BackendRef]? = nil, timeouts: HTTPRouteTimeouts? = nil) {
            self.name = name
            self.matches = matches
            self.filters = filters
            self.backendRefs = backendRefs
            self.timeouts = timeouts
        }

        func validate(_ v: inout Validator) {
            v.each("matches", matches) { v, m in m.validate(&v) }
            v.httpFilters(filters, matches: matches)
            v.each("backendRefs", backendRefs) { v, b in
                b.validate(&v)
                v.httpFilters(b.filters, matches: matches)
            }
            // A redirect answers the request itself, so backends would never be used.
            if filters?.contains(where: { $0.type == .requestRedirect }) == true, !(backendRefs ?? []).isEmpty {
                v.error("a RequestRedirect filter cannot be combined with backendRefs", at: "backendRefs")
            }
            v.at("timeouts", timeouts) { v, t in t.validate(&v) }
        }
    }

    /// Per-rule timeouts. `request` bounds the whole exchange including retries;
    /// `backendRequest` bounds each attempt. `0s` disables a timeout.
    public struct HTTPRouteTimeouts: Codable, Sendable, Hashable {
        public var request: String?
        public var backendRequest: String?

        public init(request: String? = nil, backendRequest: String? = nil) {
            self.request = request
            self.backendRequest = backendRequest
        }

        func validate(_ v: inout Validator) {
            let total = v.duration(request, at: "request")
            let attempt = v.duration(backendRequest, at: "backendRequest")
            if let total, let attempt, total.nanoseconds > 0, attempt > total {
                v.error("backendRequest (\(backendRequest!)) must not be longer than request (\(request!))", at: "backendRequest")
            }
            for (key, text, d) in [("request", request, total), ("backendRequest", backendRequest, attempt)] {
                if let d, d.nanoseconds < 0 { v.error("a timeout must not be negative, got \"\(text!)\"", at: key) }
            }
        }
    }
}

extension Validator {
    /// Rule names (Gateway API v1.2+) are DNS subdomains, unique within a route.
    mutating func ruleName(_ name: String?, seen: inout Set<String>) {
        guard let name else { return }
        if !KubernetesNames.isDNSSubdomain(name) {
            error("\"\(name)\" is not a valid rule name (lowercase letters, digits, '-' and '.')", at: "name")
        } else if !seen.insert(name).inserted {
            error("rule name \"\(name)\" is used twice in this route", at: "name")
        }
    }
}
