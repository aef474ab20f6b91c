/// Gateway API GRPCRoute: routing by gRPC service and method. Linkerd treats it like an
/// HTTPRoute whose matches speak gRPC.
extension GatewayAPI {
    public struct GRPCRoute: KubeResource {
        public static let group = GatewayAPI.group
        public static let kind = "GRPCRoute"
        public static let versions = ["v1", "v1beta1", "v1alpha2"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: GRPCRouteSpec?

        public init(metadata: ObjectMeta, spec: GRPCRouteSpec, apiVersion: String = Self.preferredAPIVersion) {
            self.apiVersion = apiVersion
            self.kind = Self.kind
            self.metadata = metadata
            self.spec = spec
        }

        public func validate(_ v: inout Validator) {
            // Tern's fault injection rides on route annotations (docs/fault-injection.md).
            v.faultAnnotations(metadata.annotations)
            guard let spec = v.required(spec, "spec") else { return }
            v.at("spec") { v in
                v.parentRefs(spec.parentRefs, allowed: HTTPRoute.parentKinds, defaultGroup: GatewayAPI.group)
                v.each("hostnames", spec.hostnames) { v, h in v.gatewayHostname(h, at: nil) }
                var names: Set<String> = []
                v.each("rules", spec.rules) { v, r in
                    v.ruleName(r.name, seen: &names)
                    r.validate(&v)
                }
            }
        }
    }

    public struct GRPCRouteSpec: Codable, Sendable, Hashable {
        public var parentRefs: [ParentReference]?
        public var hostnames: [String]?
        public var rules: [GRPCRouteRule]?

        public init(parentRefs: [ParentReference]? = nil, hostnames: [String]? = nil, rules: [GRPCRouteRule]? = nil) {
            self.parentRefs = parentRefs
            self.hostnames = hostnames
            self.rules = rules
        }
    }

    public struct GRPCRouteRule: Codable, Sendable, Hashable {
        public var name: String?
        public var matches: [GRPCRouteMatch]?
        /// gRPC routes accept the header modifiers, mirrors and extensions of HTTP filters.
        public var filters: [HTTPRouteFilter]?
        public var backendRefs: [BackendRef]?

        public init(name: String? = nil, matches: [GRPCRouteMatch]? = nil, filters: [HTTPRouteFilter]? = nil, backendRefs: [BackendRef]? = nil) {
            self.name = name
            self.matches = matches
            self.filters = filters
            self.backendRefs = backendRefs
        }

        static let filterTypes: [HTTPRouteFilterType] = [.requestHeaderModifier, .responseHeaderModifier, .requestMirror, .extensionRef]

        func validate(_ v: inout Validator) {
            v.each("matches", matches) { v, m in m.validate(&v) }
            v.grpcFilters(filters, key: "filters")
            v.each("backendRefs", backendRefs) { v, b in
                b.validate(&v)
                v.grpcFilters(b.filters, key: "filters")
            }
        }
    }

    public struct GRPCRouteMatch: Codable, Sendable, Hashable {
        public var method: GRPCMethodMatch?
        public var headers: [HTTPHeaderMatch]?

        public init(method: GRPCMethodMatch? = nil, headers: [HTTPHeaderMatch]? = nil) {
            self.method = method
            self.headers = headers
        }

        func validate(_ v: inout Validator) {
            v.at("method", method) { v, m in m.validate(&v) }
            var seen: Set<String> = []
            v.each("headers", headers) { v, h in
                h.validate(&v, what: "header")
                if let name = h.name, !seen.insert(name.lowercased()).inserted {
                    v.error("header \"\(name)\" is matched twice in one match", at: "name")
                }
            }
        }
    }

    /// Matches the gRPC `/service/method` path; either part may be left out.
    public struct GRPCMethodMatch: Codable, Sendable, Hashable {
        public var type: StringMatchType?
        public var service: String?
        public var method: String?

        public init(type: StringMatchType? = nil, service: String? = nil, method: String? = nil) {
            self.type = type
            self.service = service
            self.method = method
        }

        func validate(_ v: inout Validator) {
            if service == nil, method == nil {
                v.error("set service, method or both")
                return
            }
            if type == .regularExpression {
                v.regex(service, at: "service")
                v.regex(method, at: "method")
                return
            }
            if let s = service, !Self.isServiceName(s) {
                v.error("expected a fully qualified gRPC service name such as \"grpc.health.v1.Health\", got \"\(s)\"", at: "service")
            }
            if let m = method, !Self.isIdentifier(Substring(m)) {
                v.error("expected a gRPC method name such as \"Check\", got \"\(m)\"", at: "method")
            }
        }

        static func isIdentifier(_ s: Substring) -> Bool {
            guard let first = s.first, first.isASCII, first.isLetter || first == "_" else { return false }
            return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        }

        static func isServiceName(_ s: String) -> Bool {
            let body = s.hasPrefix(".") ? s.dropFirst() : Substring(s)
            return body.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isIdentifier)
        }
    }
}

extension Validator {
    /// gRPC filters: the HTTP filter checks, limited to the types GRPCRoute accepts.
    mutating func grpcFilters(_ filters: [GatewayAPI.HTTPRouteFilter]?, key: String) {
        httpFilters(filters, matches: nil, key: key)
        each(key, filters) { v, f in
            if let t = f.type, !GatewayAPI.GRPCRouteRule.filterTypes.contains(t) {
                v.error("GRPCRoute does not support \(t.rawValue) filters; expected one of: \(GatewayAPI.GRPCRouteRule.filterTypes.map(\.rawValue).joined(separator: ", "))", at: "type")
            }
        }
    }
}
