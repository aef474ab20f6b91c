/// Gateway API TCPRoute and TLSRoute (`v1alpha2`): connection-level routes. Linkerd uses them
/// for opaque and TLS traffic to a Service or an EgressNetwork.
extension GatewayAPI {
    /// A rule of a TCP or TLS route: only backends (no matches, no filters).
    public struct L4RouteRule: Codable, Sendable, Hashable {
        public var name: String?
        public var backendRefs: [BackendRef]?

        public init(name: String? = nil, backendRefs: [BackendRef]? = nil) {
            self.name = name
            self.backendRefs = backendRefs
        }
    }

    public struct TCPRouteSpec: Codable, Sendable, Hashable {
        public var parentRefs: [ParentReference]?
        public var rules: [L4RouteRule]?

        public init(parentRefs: [ParentReference]? = nil, rules: [L4RouteRule]? = nil) {
            self.parentRefs = parentRefs
            self.rules = rules
        }
    }

    public struct TLSRouteSpec: Codable, Sendable, Hashable {
        public var parentRefs: [ParentReference]?
        /// Matched against the TLS SNI.
        public var hostnames: [String]?
        public var rules: [L4RouteRule]?

        public init(parentRefs: [ParentReference]? = nil, hostnames: [String]? = nil, rules: [L4RouteRule]? = nil) {
            self.parentRefs = parentRefs
            self.hostnames = hostnames
            self.rules = rules
        }
    }

    public struct TCPRoute: KubeResource {
        public static let group = GatewayAPI.group
        public static let kind = "TCPRoute"
        public static let versions = ["v1alpha2"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: TCPRouteSpec?

        public init(metadata: ObjectMeta, spec: TCPRouteSpec, apiVersion: String = Self.preferredAPIVersion) {
            self.apiVersion = apiVersion
            self.kind = Self.kind
            self.metadata = metadata
            self.spec = spec
        }

        public func validate(_ v: inout Validator) {
            guard let spec = v.required(spec, "spec") else { return }
            v.at("spec") { v in
                v.parentRefs(spec.parentRefs, allowed: HTTPRoute.parentKinds, defaultGroup: GatewayAPI.group)
                v.l4Rules(spec.rules, routeKind: Self.kind)
            }
        }
    }

    public struct TLSRoute: KubeResource {
        public static let group = GatewayAPI.group
        public static let kind = "TLSRoute"
        public static let versions = ["v1alpha2"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: TLSRouteSpec?

        public init(metadata: ObjectMeta, spec: TLSRouteSpec, apiVersion: String = Self.preferredAPIVersion) {
            self.apiVersion = apiVersion
            self.kind = Self.kind
            self.metadata = metadata
            self.spec = spec
        }

        public func validate(_ v: inout Validator) {
            guard let spec = v.required(spec, "spec") else { return }
            v.at("spec") { v in
                v.parentRefs(spec.parentRefs, allowed: HTTPRoute.parentKinds, defaultGroup: GatewayAPI.group)
                v.each("hostnames", spec.hostnames) { v, h in v.gatewayHostname(h, at: nil) }
                v.l4Rules(spec.rules, routeKind: Self.kind)
            }
        }
    }
}

extension Validator {
    /// TCP/TLS rules: at least one, each with at least one backend and no filters.
    mutating func l4Rules(_ rules: [GatewayAPI.L4RouteRule]?, routeKind: String) {
        nonEmpty(rules, "rules")
        var names: Set<String> = []
        each("rules", rules) { v, r in
            v.ruleName(r.name, seen: &names)
            v.nonEmpty(r.backendRefs, "backendRefs")
            v.each("backendRefs", r.backendRefs) { v, b in
                b.validate(&v)
                if b.filters != nil { v.error("\(routeKind) backends take no filters", at: "filters") }
            }
        }
    }
}
