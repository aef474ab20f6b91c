extension Istio {
    /// One HTTP rule of a VirtualService: match conditions and what to do (route, redirect,
    /// direct response, delegate) plus the per-rule policies.
    public struct HTTPRoute: Codable, Sendable, Hashable {
        public var name: String?
        public var match: [HTTPMatchRequest]?
        public var route: [HTTPRouteDestination]?
        public var redirect: HTTPRedirect?
        public var directResponse: HTTPDirectResponse?
        public var delegate: Delegate?
        public var rewrite: HTTPRewrite?
        public var timeout: String?
        public var retries: HTTPRetry?
        public var fault: HTTPFaultInjection?
        public var mirror: Destination?
        public var mirrorPercentage: Percent?
        /// Legacy whole-number mirror percentage.
        public var mirrorPercent: Int?
        public var mirrors: [HTTPMirrorPolicy]?
        public var corsPolicy: CorsPolicy?
        public var headers: Headers?

        public init(name: String? = nil, match: [HTTPMatchRequest]? = nil, route: [HTTPRouteDestination]? = nil) {
            self.name = name
            self.match = match
            self.route = route
        }

        func validate(_ v: inout Validator) {
            let actions = [route.map { _ in "route" }, redirect.map { _ in "redirect" },
                           directResponse.map { _ in "directResponse" }, delegate.map { _ in "delegate" }].compactMap { $0 }
            if actions.isEmpty {
                v.error("an HTTP rule needs one of route, redirect, directResponse or delegate")
            } else if actions.count > 1 {
                v.error("an HTTP rule takes only one of route, redirect, directResponse or delegate; got \(actions.joined(separator: " and "))", at: actions[1])
            }
            v.each("match", match) { v, m in m.validate(&v) }
            v.each("route", route) { v, r in
                let destination = v.required(r.destination, "destination")
                v.at("destination", destination) { v, d in d.validate(&v) }
            }
            v.istioWeights((route ?? []).map(\.weight), at: "route")
            v.at("redirect", redirect) { v, r in r.validate(&v) }
            v.at("rewrite", rewrite) { v, r in
                if r.uri != nil && r.uriRegexRewrite != nil { v.error("set uri or uriRegexRewrite, not both") }
                if let uri = r.uri, uri.isEmpty { v.error("uri must not be empty", at: "uri") }
                v.at("uriRegexRewrite", r.uriRegexRewrite) { v, rr in v.regex(rr.match, at: "match") }
            }
            v.istioDuration(timeout, at: "timeout")
            v.at("retries", retries) { v, r in
                if let a = r.attempts, a < 0 { v.error("attempts must be 0 or more, got \(a)", at: "attempts") }
                v.istioDuration(r.perTryTimeout, at: "perTryTimeout")
            }
            v.at("fault", fault) { v, f in f.validate(&v) }
            v.at("mirror", mirror) { v, d in d.validate(&v) }
            v.at("mirrorPercentage", mirrorPercentage) { v, p in p.validate(&v) }
            if let p = mirrorPercent, !(0...100).contains(p) { v.error("a percentage must be from 0 to 100, got \(p)", at: "mirrorPercent") }
            v.each("mirrors", mirrors) { v, m in
                let destination = v.required(m.destination, "destination")
                v.at("destination", destination) { v, d in d.validate(&v) }
                v.at("percentage", m.percentage) { v, p in p.validate(&v) }
            }
            v.at("directResponse", directResponse) { v, d in
                if let s = v.required(d.status, "status"), !(200...599).contains(s) { v.error("expected an HTTP status from 200 to 599, got \(s)", at: "status") }
            }
            v.at("corsPolicy", corsPolicy) { v, c in
                v.each("allowOrigins", c.allowOrigins) { v, m in m.validate(&v) }
                v.istioDuration(c.maxAge, at: "maxAge")
            }
        }
    }

    /// Match conditions; all fields of one match must hold, any match of a rule may.
    public struct HTTPMatchRequest: Codable, Sendable, Hashable {
        public var name: String?
        public var uri: StringMatch?
        public var scheme: StringMatch?
        public var method: StringMatch?
        public var authority: StringMatch?
        public var headers: [String: StringMatch]?
        public var port: Int?
        public var sourceLabels: [String: String]?
        public var gateways: [String]?
        public var queryParams: [String: StringMatch]?
        public var ignoreUriCase: Bool?
        public var withoutHeaders: [String: StringMatch]?
        public var sourceNamespace: String?
        public var statPrefix: String?

        public init(uri: StringMatch? = nil, method: StringMatch? = nil, headers: [String: StringMatch]? = nil, queryParams: [String: StringMatch]? = nil) {
            self.uri = uri
            self.method = method
            self.headers = headers
            self.queryParams = queryParams
        }

        func validate(_ v: inout Validator) {
            for (key, m) in [("uri", uri), ("scheme", scheme), ("method", method), ("authority", authority)] {
                v.at(key, m) { v, m in m.validate(&v) }
            }
            if let p = uri?.prefix ?? uri?.exact, !p.hasPrefix("/") {
                v.warning("a URI match normally starts with \"/\", got \"\(p)\"", at: "uri")
            }
            for (key, map) in [("headers", headers), ("queryParams", queryParams), ("withoutHeaders", withoutHeaders)] {
                guard let map else { continue }
                v.at(key) { v in
                    for (name, m) in map.sorted(by: { $0.key < $1.key }) {
                        // An empty matcher means "present with any value" for headers.
                        v.at(name) { v in m.validate(&v, allowEmpty: true) }
                    }
                }
            }
            v.portNumber(port, at: "port")
            v.labels(sourceLabels, at: "sourceLabels")
        }
    }

    public struct HTTPRouteDestination: Codable, Sendable, Hashable {
        public var destination: Destination?
        public var weight: Int?
        public var headers: Headers?

        public init(destination: Destination, weight: Int? = nil, headers: Headers? = nil) {
            self.destination = destination
            self.weight = weight
            self.headers = headers
        }
    }

    public struct HTTPRedirect: Codable, Sendable, Hashable {
        public var uri: String?
        public var authority: String?
        public var port: Int?
        public var derivePort: String?
        public var scheme: String?
        public var redirectCode: Int?

        public init(uri: String? = nil, authority: String? = nil, port: Int? = nil, scheme: String? = nil, redirectCode: Int? = nil) {
            self.uri = uri
            self.authority = authority
            self.port = port
            self.scheme = scheme
            self.redirectCode = redirectCode
        }

        func validate(_ v: inout Validator) {
            v.portNumber(port, at: "port")
            v.oneOf(derivePort, ["FROM_PROTOCOL_DEFAULT", "FROM_REQUEST_PORT"], at: "derivePort")
            if let c = redirectCode, !(300...399).contains(c) { v.error("expected a redirect status from 300 to 399, got \(c)", at: "redirectCode") }
            if port != nil && derivePort != nil { v.error("set port or derivePort, not both", at: "derivePort") }
        }
    }

    public struct HTTPDirectResponse: Codable, Sendable, Hashable {
        public var status: Int?
        public var body: ManifestNode?
    }

    public struct Delegate: Codable, Sendable, Hashable {
        public var name: String?
        public var namespace: String?
    }

    public struct HTTPRewrite: Codable, Sendable, Hashable {
        public var uri: String?
        public var authority: String?
        public var uriRegexRewrite: RegexRewrite?

        public init(uri: String? = nil, authority: String? = nil) {
            self.uri = uri
            self.authority = authority
        }
    }

    public struct RegexRewrite: Codable, Sendable, Hashable {
        public var match: String?
        public var rewrite: String?
    }
}
