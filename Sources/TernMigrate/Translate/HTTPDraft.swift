import TernResources

/// An Istio HTTP rule on its way to Gateway API, before rule-order fixes and before it is
/// split into rules and routes.
struct DraftMatch: Hashable {
    var match: GatewayAPI.HTTPRouteMatch
    /// The Istio URI prefix this match stands for, when a prefix rewrite depends on it.
    var istioPrefix: String?
    /// Index in the Istio rule's `match[]`; nil for overlap matches added by `RuleOrdering`.
    var istioIndex: Int?
}

struct DraftRule {
    /// Index of the Istio rule in `http[]`.
    var source: Int
    var name: String?
    /// Empty means every request (Gateway API's default match, `PathPrefix /`).
    var matches: [DraftMatch]
    var filters: [GatewayAPI.HTTPRouteFilter] = []
    /// Istio `rewrite.uri`: replaces the matched prefix for prefix matches, else the path.
    var pathRewrite: String?
    var hostRewrite: String?
    var backendRefs: [GatewayAPI.BackendRef]?
    var timeouts: GatewayAPI.HTTPRouteTimeouts?
    /// Route-level annotations (retries, faults); rules that differ go to separate routes.
    var annotations: [String: String] = [:]

    /// Gateway API rules for this draft: one per match when the path rewrite depends on it
    /// (ReplacePrefixMatch takes exactly one PathPrefix match).
    func gatewayRules() -> [GatewayAPI.HTTPRouteRule] {
        guard pathRewrite != nil || hostRewrite != nil else {
            return [rule(matches: matches.map(\.match), rewrite: nil)]
        }
        let groups: [[DraftMatch]] = pathRewrite == nil || matches.count <= 1 ? [matches] : matches.map { [$0] }
        return groups.enumerated().map { k, group in
            var r = rule(matches: group.map(\.match), rewrite: urlRewrite(for: group.first))
            // Rule names must stay unique within the route once a rule is split.
            if k > 0, let name { r.name = "\(name)-\(k)" }
            return r
        }
    }

    private func rule(matches: [GatewayAPI.HTTPRouteMatch], rewrite: GatewayAPI.HTTPURLRewriteFilter?) -> GatewayAPI.HTTPRouteRule {
        var filters = self.filters
        if let rewrite { filters.insert(.urlRewrite(rewrite), at: 0) }
        return GatewayAPI.HTTPRouteRule(name: name, matches: matches.isEmpty ? nil : matches, filters: filters.isEmpty ? nil : filters,
                                        backendRefs: backendRefs, timeouts: timeouts)
    }

    private func urlRewrite(for match: DraftMatch?) -> GatewayAPI.HTTPURLRewriteFilter {
        guard let replacement = pathRewrite else { return GatewayAPI.HTTPURLRewriteFilter(hostname: hostRewrite) }
        let path: GatewayAPI.HTTPPathModifier
        switch (match?.match.path?.effectiveType, match?.istioPrefix, match?.match.path?.value) {
        case (.pathPrefix?, let prefix?, let value?):
            // A match narrowed from the Istio prefix keeps Istio's result for its requests.
            path = .prefixMatch(Self.join(replacement, String(value.dropFirst(min(prefix.count, value.count)))))
        case (.exact?, let prefix?, let value?):
            path = .fullPath(Self.join(replacement, String(value.dropFirst(min(prefix.count, value.count)))))
        default:
            path = .fullPath(replacement)
        }
        return GatewayAPI.HTTPURLRewriteFilter(hostname: hostRewrite, path: path)
    }

    /// Istio concatenates the replacement and the rest of the path as strings.
    static func join(_ replacement: String, _ rest: String) -> String {
        let joined = replacement + rest
        return joined.hasPrefix("/") ? joined : "/" + joined
    }
}
