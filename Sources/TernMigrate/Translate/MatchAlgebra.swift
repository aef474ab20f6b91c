import TernResources

/// Set operations on Gateway API HTTP matches, as far as they are decidable without
/// evaluating regular expressions: precedence rank and intersection.
enum MatchAlgebra {
    enum Intersection: Equatable {
        case disjoint
        case match(GatewayAPI.HTTPRouteMatch)
        /// Involves a regular expression (or two different conditions on one header) whose
        /// overlap cannot be computed.
        case unknown
    }

    /// Gateway API precedence, as a comparable tuple (higher wins).
    struct Rank: Comparable {
        var exact: Int
        var prefixLength: Int
        var method: Int
        var headers: Int
        var queryParams: Int

        static func < (a: Rank, b: Rank) -> Bool {
            (a.exact, a.prefixLength, a.method, a.headers, a.queryParams) < (b.exact, b.prefixLength, b.method, b.headers, b.queryParams)
        }
    }

    static func rank(_ m: GatewayAPI.HTTPRouteMatch) -> Rank {
        let path = m.path ?? GatewayAPI.HTTPPathMatch(type: .pathPrefix, value: "/")
        let exact = path.effectiveType == .exact ? 1 : 0
        let length = path.effectiveType == .pathPrefix ? trimmed(path.value ?? "/").count : 0
        return Rank(exact: exact, prefixLength: length, method: m.method == nil ? 0 : 1, headers: m.headers?.count ?? 0, queryParams: m.queryParams?.count ?? 0)
    }

    static func hasRegex(_ m: GatewayAPI.HTTPRouteMatch) -> Bool {
        m.path?.effectiveType == .regularExpression || (m.headers ?? []).contains { $0.type == .regularExpression }
            || (m.queryParams ?? []).contains { $0.type == .regularExpression }
    }

    /// The match with the path made explicit and conditions sorted, for equality.
    static func normalized(_ m: GatewayAPI.HTTPRouteMatch) -> GatewayAPI.HTTPRouteMatch {
        var out = m
        let path = m.path ?? GatewayAPI.HTTPPathMatch(type: .pathPrefix, value: "/")
        out.path = GatewayAPI.HTTPPathMatch(type: path.effectiveType, value: path.effectiveType == .pathPrefix ? trimmed(path.value ?? "/") : path.value)
        out.headers = (m.headers ?? []).map { h in
            GatewayAPI.HTTPHeaderMatch(type: h.type ?? .exact, name: (h.name ?? "").lowercased(), value: h.value ?? "")
        }.sorted { ($0.name ?? "") < ($1.name ?? "") }
        out.queryParams = (m.queryParams ?? []).map { q in
            GatewayAPI.HTTPQueryParamMatch(type: q.type ?? .exact, name: q.name ?? "", value: q.value ?? "")
        }.sorted { ($0.name ?? "") < ($1.name ?? "") }
        return out
    }

    static func intersect(_ a: GatewayAPI.HTTPRouteMatch, _ b: GatewayAPI.HTTPRouteMatch) -> Intersection {
        var out = GatewayAPI.HTTPRouteMatch()
        switch intersectPath(a.path, b.path) {
        case .disjoint: return .disjoint
        case .unknown: return .unknown
        case .path(let p): out.path = p
        }
        if let ma = a.method, let mb = b.method, ma != mb { return .disjoint }
        out.method = a.method ?? b.method
        var unknown = false
        guard let headers = merge(a.headers, b.headers, caseInsensitive: true, unknown: &unknown) else { return .disjoint }
        guard let query = merge(a.queryParams, b.queryParams, caseInsensitive: false, unknown: &unknown) else { return .disjoint }
        if unknown { return .unknown }
        out.headers = headers.isEmpty ? nil : headers.map { GatewayAPI.HTTPHeaderMatch(type: $0.type, name: $0.name, value: $0.value) }
        out.queryParams = query.isEmpty ? nil : query.map { GatewayAPI.HTTPQueryParamMatch(type: $0.type, name: $0.name, value: $0.value) }
        return .match(out)
    }

    private enum PathIntersection {
        case disjoint, unknown
        case path(GatewayAPI.HTTPPathMatch?)
    }

    private static func intersectPath(_ a: GatewayAPI.HTTPPathMatch?, _ b: GatewayAPI.HTTPPathMatch?) -> PathIntersection {
        guard let a else { return .path(b) }
        guard let b else { return .path(a) }
        switch (a.effectiveType, b.effectiveType) {
        case (.regularExpression, _), (_, .regularExpression):
            return a == b ? .path(a) : .unknown
        case (.exact, .exact):
            return a.value == b.value ? .path(a) : .disjoint
        case (.pathPrefix, .exact):
            return prefix(a.value ?? "/", matches: b.value ?? "/") ? .path(b) : .disjoint
        case (.exact, .pathPrefix):
            return prefix(b.value ?? "/", matches: a.value ?? "/") ? .path(a) : .disjoint
        case (.pathPrefix, .pathPrefix):
            let (pa, pb) = (a.value ?? "/", b.value ?? "/")
            if prefix(pa, matches: trimmed(pb)) { return .path(b) }
            if prefix(pb, matches: trimmed(pa)) { return .path(a) }
            return .disjoint
        }
    }

    /// Gateway API prefixes match whole path segments; a trailing slash is ignored.
    static func prefix(_ prefix: String, matches path: String) -> Bool {
        let p = trimmed(prefix)
        return p == "/" || path == p || path.hasPrefix(p + "/")
    }

    static func trimmed(_ p: String) -> String {
        var out = p
        while out.count > 1 && out.hasSuffix("/") { out.removeLast() }
        return out
    }

    private struct Condition {
        var type: GatewayAPI.StringMatchType
        var name: String
        var value: String
    }

    /// Both condition lists at once; nil when they contradict each other.
    private static func merge(_ a: [GatewayAPI.HTTPHeaderMatch]?, _ b: [GatewayAPI.HTTPHeaderMatch]?, caseInsensitive: Bool, unknown: inout Bool) -> [Condition]? {
        merge(conditions(a?.map { ($0.type, $0.name, $0.value) }), conditions(b?.map { ($0.type, $0.name, $0.value) }), caseInsensitive: caseInsensitive, unknown: &unknown)
    }

    private static func merge(_ a: [GatewayAPI.HTTPQueryParamMatch]?, _ b: [GatewayAPI.HTTPQueryParamMatch]?, caseInsensitive: Bool, unknown: inout Bool) -> [Condition]? {
        merge(conditions(a?.map { ($0.type, $0.name, $0.value) }), conditions(b?.map { ($0.type, $0.name, $0.value) }), caseInsensitive: caseInsensitive, unknown: &unknown)
    }

    private static func conditions(_ list: [(GatewayAPI.StringMatchType?, String?, String?)]?) -> [Condition] {
        (list ?? []).map { Condition(type: $0.0 ?? .exact, name: $0.1 ?? "", value: $0.2 ?? "") }
    }

    private static func merge(_ a: [Condition], _ b: [Condition], caseInsensitive: Bool, unknown: inout Bool) -> [Condition]? {
        var out = a
        for c in b {
            let key = caseInsensitive ? c.name.lowercased() : c.name
            guard let existing = out.first(where: { (caseInsensitive ? $0.name.lowercased() : $0.name) == key }) else {
                out.append(c)
                continue
            }
            if existing.type == c.type && existing.value == c.value { continue }
            if existing.type == .exact && c.type == .exact { return nil }
            unknown = true
        }
        return out
    }
}
