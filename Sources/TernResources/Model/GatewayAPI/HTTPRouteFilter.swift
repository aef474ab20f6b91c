extension GatewayAPI {
    public enum HTTPRouteFilterType: String, ClosedSetValue {
        case requestHeaderModifier = "RequestHeaderModifier"
        case responseHeaderModifier = "ResponseHeaderModifier"
        case requestMirror = "RequestMirror"
        case requestRedirect = "RequestRedirect"
        case urlRewrite = "URLRewrite"
        case extensionRef = "ExtensionRef"
    }

    /// One processing step of a rule (or of a single backend). `type` says which of the other
    /// fields carries the configuration; exactly that one must be set.
    public struct HTTPRouteFilter: Codable, Sendable, Hashable {
        public var type: HTTPRouteFilterType?
        public var requestHeaderModifier: HTTPHeaderFilter?
        public var responseHeaderModifier: HTTPHeaderFilter?
        public var requestMirror: HTTPRequestMirrorFilter?
        public var requestRedirect: HTTPRequestRedirectFilter?
        public var urlRewrite: HTTPURLRewriteFilter?
        public var extensionRef: LocalObjectReference?

        public init(type: HTTPRouteFilterType? = nil, requestHeaderModifier: HTTPHeaderFilter? = nil, responseHeaderModifier: HTTPHeaderFilter? = nil,
                    requestMirror: HTTPRequestMirrorFilter? = nil, requestRedirect: HTTPRequestRedirectFilter? = nil,
                    urlRewrite: HTTPURLRewriteFilter? = nil, extensionRef: LocalObjectReference? = nil) {
            self.type = type
            self.requestHeaderModifier = requestHeaderModifier
            self.responseHeaderModifier = responseHeaderModifier
            self.requestMirror = requestMirror
            self.requestRedirect = requestRedirect
            self.urlRewrite = urlRewrite
            self.extensionRef = extensionRef
        }

        public static func requestHeaderModifier(_ f: HTTPHeaderFilter) -> Self { Self(type: .requestHeaderModifier, requestHeaderModifier: f) }
        public static func responseHeaderModifier(_ f: HTTPHeaderFilter) -> Self { Self(type: .responseHeaderModifier, responseHeaderModifier: f) }
        public static func requestMirror(_ f: HTTPRequestMirrorFilter) -> Self { Self(type: .requestMirror, requestMirror: f) }
        public static func requestRedirect(_ f: HTTPRequestRedirectFilter) -> Self { Self(type: .requestRedirect, requestRedirect: f) }
        public static func urlRewrite(_ f: HTTPURLRewriteFilter) -> Self { Self(type: .urlRewrite, urlRewrite: f) }

        /// Which configuration fields are set, by their YAML key.
        private var configuredKeys: [(key: String, type: HTTPRouteFilterType)] {
            var keys: [(String, HTTPRouteFilterType)] = []
            if requestHeaderModifier != nil { keys.append(("requestHeaderModifier", .requestHeaderModifier)) }
            if responseHeaderModifier != nil { keys.append(("responseHeaderModifier", .responseHeaderModifier)) }
            if requestMirror != nil { keys.append(("requestMirror", .requestMirror)) }
            if requestRedirect != nil { keys.append(("requestRedirect", .requestRedirect)) }
            if urlRewrite != nil { keys.append(("urlRewrite", .urlRewrite)) }
            if extensionRef != nil { keys.append(("extensionRef", .extensionRef)) }
            return keys
        }

        static func key(for type: HTTPRouteFilterType) -> String {
            switch type {
            case .urlRewrite: return "urlRewrite"
            case .extensionRef: return "extensionRef"
            default: return type.rawValue.prefix(1).lowercased() + type.rawValue.dropFirst()
            }
        }

        /// `matches` are the rule's, needed because `ReplacePrefixMatch` depends on them.
        func validate(_ v: inout Validator, matches: [HTTPRouteMatch]?) {
            guard let type = v.required(type, "type") else { return }
            for (key, configured) in configuredKeys where configured != type {
                v.error("\(key) must not be set when type is \(type.rawValue)", at: key)
            }
            let key = Self.key(for: type)
            switch type {
            case .requestHeaderModifier: v.at(key, v.required(requestHeaderModifier, key)) { v, f in f.validate(&v) }
            case .responseHeaderModifier: v.at(key, v.required(responseHeaderModifier, key)) { v, f in f.validate(&v) }
            case .requestMirror: v.at(key, v.required(requestMirror, key)) { v, f in f.validate(&v) }
            case .requestRedirect: v.at(key, v.required(requestRedirect, key)) { v, f in f.validate(&v, matches: matches) }
            case .urlRewrite: v.at(key, v.required(urlRewrite, key)) { v, f in f.validate(&v, matches: matches) }
            case .extensionRef:
                v.at(key, v.required(extensionRef, key)) { v, r in
                    v.required(r.group, "group")
                    v.required(r.kind, "kind")
                    v.objectName(v.required(r.name, "name"), at: "name")
                }
            }
        }
    }

    /// An HTTP header name and value.
    public struct HTTPHeader: Codable, Sendable, Hashable {
        public var name: String?
        public var value: String?

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Sets, adds or removes request or response headers.
    public struct HTTPHeaderFilter: Codable, Sendable, Hashable {
        public var set: [HTTPHeader]?
        public var add: [HTTPHeader]?
        public var remove: [String]?

        public init(set: [HTTPHeader]? = nil, add: [HTTPHeader]? = nil, remove: [String]? = nil) {
            self.set = set
            self.add = add
            self.remove = remove
        }

        func validate(_ v: inout Validator) {
            for key in ["set", "add"] {
                var seen: Set<String> = []
                v.each(key, key == "set" ? set : add) { v, h in
                    v.httpToken(v.required(h.name, "name"), what: "header", at: "name")
                    v.required(h.value, "value")
                    if let name = h.name, !seen.insert(name.lowercased()).inserted {
                        v.error("header \"\(name)\" appears twice in \(key)", at: "name")
                    }
                }
            }
            var removed: Set<String> = []
            v.each("remove", remove) { v, name in
                v.httpToken(name, what: "header", at: nil)
                if !removed.insert(name.lowercased()).inserted { v.error("header \"\(name)\" appears twice in remove") }
            }
        }
    }

    public enum PathModifierType: String, ClosedSetValue {
        case replaceFullPath = "ReplaceFullPath"
        case replacePrefixMatch = "ReplacePrefixMatch"
    }

    /// How a redirect or rewrite changes the path.
    public struct HTTPPathModifier: Codable, Sendable, Hashable {
        public var type: PathModifierType?
        public var replaceFullPath: String?
        public var replacePrefixMatch: String?

        public init(type: PathModifierType? = nil, replaceFullPath: String? = nil, replacePrefixMatch: String? = nil) {
            self.type = type
            self.replaceFullPath = replaceFullPath
            self.replacePrefixMatch = replacePrefixMatch
        }

        public static func fullPath(_ path: String) -> Self { Self(type: .replaceFullPath, replaceFullPath: path) }
        public static func prefixMatch(_ prefix: String) -> Self { Self(type: .replacePrefixMatch, replacePrefixMatch: prefix) }

        func validate(_ v: inout Validator, matches: [HTTPRouteMatch]?) {
            guard let type = v.required(type, "type") else { return }
            switch type {
            case .replaceFullPath:
                v.absolutePath(v.required(replaceFullPath, "replaceFullPath"), at: "replaceFullPath")
                if replacePrefixMatch != nil { v.error("replacePrefixMatch must not be set when type is ReplaceFullPath", at: "replacePrefixMatch") }
            case .replacePrefixMatch:
                v.absolutePath(v.required(replacePrefixMatch, "replacePrefixMatch"), at: "replacePrefixMatch")
                if replaceFullPath != nil { v.error("replaceFullPath must not be set when type is ReplacePrefixMatch", at: "replaceFullPath") }
                // Replacing "the matched prefix" is only defined when there is exactly one prefix.
                // Absent matches (and an absent path) default to `PathPrefix /`.
                guard let matches else { break }
                if matches.count == 1, (matches[0].path?.effectiveType ?? .pathPrefix) == .pathPrefix { break }
                v.error("ReplacePrefixMatch needs the rule to have exactly one match, with a PathPrefix path", at: "type")
            }
        }
    }

    public enum RedirectScheme: String, ClosedSetValue {
        case http
        case https
    }

    /// Answers the request with a redirect instead of forwarding it.
    public struct HTTPRequestRedirectFilter: Codable, Sendable, Hashable {
        public var scheme: RedirectScheme?
        public var hostname: String?
        public var path: HTTPPathModifier?
        public var port: Int?
        public var statusCode: Int?

        public init(scheme: RedirectScheme? = nil, hostname: String? = nil, path: HTTPPathModifier? = nil, port: Int? = nil, statusCode: Int? = nil) {
            self.scheme = scheme
            self.hostname = hostname
            self.path = path
            self.port = port
            self.statusCode = statusCode
        }

        static let statusCodes = [301, 302, 303, 307, 308]

        func validate(_ v: inout Validator, matches: [HTTPRouteMatch]?) {
            v.preciseHostname(hostname, at: "hostname")
            v.at("path", path) { v, p in p.validate(&v, matches: matches) }
            v.portNumber(port, at: "port")
            if let code = statusCode, !Self.statusCodes.contains(code) {
                v.error("expected a redirect status code (301, 302, 303, 307 or 308), got \(code)", at: "statusCode")
            }
        }
    }

    /// Rewrites the host and/or path before forwarding.
    public struct HTTPURLRewriteFilter: Codable, Sendable, Hashable {
        public var hostname: String?
        public var path: HTTPPathModifier?

        public init(hostname: String? = nil, path: HTTPPathModifier? = nil) {
            self.hostname = hostname
            self.path = path
        }

        func validate(_ v: inout Validator, matches: [HTTPRouteMatch]?) {
            v.preciseHostname(hostname, at: "hostname")
            v.at("path", path) { v, p in p.validate(&v, matches: matches) }
        }
    }

    /// Copies requests to another backend; responses from it are dropped.
    public struct HTTPRequestMirrorFilter: Codable, Sendable, Hashable {
        public var backendRef: BackendObjectReference?
        public var percent: Int?
        public var fraction: Fraction?

        public init(backendRef: BackendObjectReference, percent: Int? = nil, fraction: Fraction? = nil) {
            self.backendRef = backendRef
            self.percent = percent
            self.fraction = fraction
        }

        func validate(_ v: inout Validator) {
            v.at("backendRef", v.required(backendRef, "backendRef")) { v, ref in
                v.referencedKind(group: ref.group, kind: ref.kind, allowed: BackendRef.allowedKinds, defaultGroup: "", defaultKind: "Service")
                v.objectName(v.required(ref.name, "name"), at: "name")
                v.namespaceName(ref.namespace, at: "namespace")
                v.portNumber(ref.port, at: "port")
            }
            if let p = percent, !(0...100).contains(p) { v.error("percent must be from 0 to 100, got \(p)", at: "percent") }
            if percent != nil, fraction != nil { v.error("set percent or fraction, not both", at: "fraction") }
            v.at("fraction", fraction) { v, f in
                guard let n = v.required(f.numerator, "numerator") else { return }
                let d = f.denominator ?? 100
                if d < 1 { v.error("denominator must be at least 1, got \(d)", at: "denominator") }
                if n < 0 || n > d { v.error("numerator must be from 0 to the denominator (\(d)), got \(n)", at: "numerator") }
            }
        }
    }

    /// A share of requests: `numerator / denominator` (denominator defaults to 100).
    public struct Fraction: Codable, Sendable, Hashable {
        public var numerator: Int?
        public var denominator: Int?

        public init(numerator: Int, denominator: Int? = nil) {
            self.numerator = numerator
            self.denominator = denominator
        }
    }
}

extension Validator {
    /// Redirect and rewrite hostnames: a DNS name without a wildcard.
    mutating func preciseHostname(_ value: String?, at key: String) {
        guard let value else { return }
        if value.hasPrefix("*") || !GatewayAPI.isValidHostname(value) {
            error("expected a hostname such as \"example.com\" (no wildcard, IP address or port), got \"\(value)\"", at: key)
        }
    }

    /// Rule-level filter checks: each filter, and the combinations Gateway API forbids.
    mutating func httpFilters(_ filters: [GatewayAPI.HTTPRouteFilter]?, matches: [GatewayAPI.HTTPRouteMatch]?, key: String = "filters") {
        guard let filters else { return }
        var counts: [GatewayAPI.HTTPRouteFilterType: Int] = [:]
        each(key, filters) { v, f in
            f.validate(&v, matches: matches)
            guard let type = f.type else { return }
            counts[type, default: 0] += 1
            // Mirrors and extensions may repeat; the others would contradict each other.
            if type != .requestMirror, type != .extensionRef, counts[type]! == 2 {
                v.error("only one \(type.rawValue) filter is allowed per list", at: "type")
            }
        }
        if counts[.requestRedirect] != nil, counts[.urlRewrite] != nil {
            error("RequestRedirect and URLRewrite filters cannot be used together", at: key)
        }
    }
}
