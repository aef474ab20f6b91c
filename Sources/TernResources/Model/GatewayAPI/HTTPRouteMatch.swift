extension GatewayAPI {
    /// Conditions a request must meet for a rule to apply; every field given must match.
    public struct HTTPRouteMatch: Codable, Sendable, Hashable {
        public var path: HTTPPathMatch?
        public var headers: [HTTPHeaderMatch]?
        public var queryParams: [HTTPQueryParamMatch]?
        public var method: HTTPMethod?

        public init(path: HTTPPathMatch? = nil, headers: [HTTPHeaderMatch]? = nil, queryParams: [HTTPQueryParamMatch]? = nil, method: HTTPMethod? = nil) {
            self.path = path
            self.headers = headers
            self.queryParams = queryParams
            self.method = method
        }

        func validate(_ v: inout Validator) {
            v.at("path", path) { v, p in p.validate(&v) }
            var headerNames: Set<String> = []
            v.each("headers", headers) { v, h in
                h.validate(&v, what: "header")
                // Header names compare case-insensitively, so `Foo` and `foo` are the same key.
                if let name = h.name, !headerNames.insert(name.lowercased()).inserted {
                    v.error("header \"\(name)\" is matched twice in one match", at: "name")
                }
            }
            var paramNames: Set<String> = []
            v.each("queryParams", queryParams) { v, q in
                q.validate(&v, what: "query parameter")
                if let name = q.name, !paramNames.insert(name).inserted {
                    v.error("query parameter \"\(name)\" is matched twice in one match", at: "name")
                }
            }
        }
    }

    public enum PathMatchType: String, ClosedSetValue {
        case exact = "Exact"
        case pathPrefix = "PathPrefix"
        case regularExpression = "RegularExpression"
    }

    /// A request path condition; Gateway API defaults it to `PathPrefix /`.
    public struct HTTPPathMatch: Codable, Sendable, Hashable {
        public var type: PathMatchType?
        public var value: String?

        public init(type: PathMatchType? = nil, value: String? = nil) {
            self.type = type
            self.value = value
        }

        /// The match type after Gateway API's default.
        public var effectiveType: PathMatchType { type ?? .pathPrefix }

        func validate(_ v: inout Validator) {
            guard let value else { return }
            switch effectiveType {
            case .exact, .pathPrefix:
                v.absolutePath(value, at: "value")
                // The API server rejects these because they would never match a normalized path.
                if value.hasPrefix("/") {
                    if let bad = ["//", "/./", "/../", "%2f", "%2F", "#"].first(where: { value.contains($0) }) {
                        v.error("path \"\(value)\" must not contain \"\(bad)\"", at: "value")
                    } else if value.hasSuffix("/..") || value.hasSuffix("/.") {
                        v.error("path \"\(value)\" must not end with a dot segment", at: "value")
                    }
                }
            case .regularExpression:
                v.regex(value, at: "value")
            }
        }
    }

    public enum StringMatchType: String, ClosedSetValue {
        case exact = "Exact"
        case regularExpression = "RegularExpression"
    }

    /// A name/value condition on a request header.
    public struct HTTPHeaderMatch: Codable, Sendable, Hashable {
        public var type: StringMatchType?
        public var name: String?
        public var value: String?

        public init(type: StringMatchType? = nil, name: String, value: String) {
            self.type = type
            self.name = name
            self.value = value
        }

        func validate(_ v: inout Validator, what: String) {
            v.httpToken(v.required(name, "name"), what: what, at: "name")
            v.required(value, "value")
            if type == .regularExpression { v.regex(value, at: "value") }
        }
    }

    /// A name/value condition on a query parameter.
    public struct HTTPQueryParamMatch: Codable, Sendable, Hashable {
        public var type: StringMatchType?
        public var name: String?
        public var value: String?

        public init(type: StringMatchType? = nil, name: String, value: String) {
            self.type = type
            self.name = name
            self.value = value
        }

        func validate(_ v: inout Validator, what: String) {
            v.httpToken(v.required(name, "name"), what: what, at: "name")
            v.required(value, "value")
            if type == .regularExpression { v.regex(value, at: "value") }
        }
    }

    public enum HTTPMethod: String, ClosedSetValue {
        case get = "GET"
        case head = "HEAD"
        case post = "POST"
        case put = "PUT"
        case delete = "DELETE"
        case connect = "CONNECT"
        case options = "OPTIONS"
        case trace = "TRACE"
        case patch = "PATCH"
    }
}
