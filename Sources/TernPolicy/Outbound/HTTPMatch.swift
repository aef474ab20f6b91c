/// A request match, as Gateway API and Linkerd routes express it. All given parts must match.
public struct HTTPMatch: Hashable, Sendable, Codable {
    public enum PathMatch: Hashable, Sendable, Codable {
        case exact(String)
        /// Element-wise prefix: `/api` matches `/api` and `/api/x` but not `/apix`.
        case prefix(String)
        case regex(String)
    }

    public enum ValueMatch: Hashable, Sendable, Codable {
        case exact(String)
        case regex(String)
    }

    public struct NamedMatch: Hashable, Sendable, Codable {
        public var name: String
        public var value: ValueMatch

        public init(name: String, value: ValueMatch) {
            self.name = name
            self.value = value
        }
    }

    public var path: PathMatch?
    public var headers: [NamedMatch]
    public var queryParams: [NamedMatch]
    public var method: String?

    public init(path: PathMatch? = nil, headers: [NamedMatch] = [], queryParams: [NamedMatch] = [], method: String? = nil) {
        self.path = path
        self.headers = headers
        self.queryParams = queryParams
        self.method = method
    }

    /// Matches a request. Header names compare case-insensitively; a regex must match the
    /// whole value, as in Gateway API.
    public func matches(method: String, path requestPath: String, headers: [(String, String)], query: [(String, String)] = []) -> Bool {
        if let m = self.method, m != method { return false }
        let pathOnly = requestPath.split(separator: "?", maxSplits: 1).first.map(String.init) ?? requestPath
        if let path, !Self.matches(path, pathOnly) { return false }
        for h in self.headers {
            let wanted = h.name.lowercased()
            guard headers.contains(where: { $0.0.lowercased() == wanted && Self.matches(h.value, $0.1) }) else { return false }
        }
        for q in queryParams {
            guard query.contains(where: { $0.0 == q.name && Self.matches(q.value, $0.1) }) else { return false }
        }
        return true
    }

    static func matches(_ match: PathMatch, _ path: String) -> Bool {
        switch match {
        case .exact(let p): return path == p
        case .prefix(let p):
            if p == "/" { return true }
            let trimmed = p.hasSuffix("/") ? String(p.dropLast()) : p
            return path == trimmed || path.hasPrefix(trimmed + "/")
        case .regex(let r): return wholeMatch(r, path)
        }
    }

    static func matches(_ match: ValueMatch, _ value: String) -> Bool {
        switch match {
        case .exact(let v): return value == v
        case .regex(let r): return wholeMatch(r, value)
        }
    }

    static func wholeMatch(_ pattern: String, _ value: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return (try? regex.wholeMatch(in: value)) != nil
    }

    /// Gateway API precedence between two matches (true when `self` wins): exact path, then
    /// the longest prefix, then method, then more headers, then more query parameters.
    public func outranks(_ other: HTTPMatch) -> Bool {
        func pathRank(_ p: PathMatch?) -> (Int, Int) {
            switch p {
            case .exact(let s)?: return (3, s.count)
            case .prefix(let s)?: return (2, s.count)
            case .regex(let s)?: return (1, s.count)
            case nil: return (2, 1)
            }
        }
        let (a, b) = (pathRank(path), pathRank(other.path))
        if a != b { return a > b }
        if (method != nil) != (other.method != nil) { return method != nil }
        if headers.count != other.headers.count { return headers.count > other.headers.count }
        return queryParams.count > other.queryParams.count
    }
}
