extension Istio {
    /// Istio's access control: ALLOW/DENY/AUDIT/CUSTOM rules over sources, operations and
    /// conditions, for the selected workloads (or the whole namespace, or the mesh from the
    /// root namespace). Not Linkerd's AuthorizationPolicy.
    public struct AuthorizationPolicy: KubeResource {
        public static let group = Istio.securityGroup
        public static let kind = "AuthorizationPolicy"
        public static let versions = Istio.securityVersions

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var selector: WorkloadSelector?
            public var targetRef: PolicyTargetReference?
            public var targetRefs: [PolicyTargetReference]?
            public var rules: [Rule]?
            public var action: Action?
            public var provider: Provider?

            public init(selector: WorkloadSelector? = nil, rules: [Rule]? = nil, action: Action? = nil) {
                self.selector = selector
                self.rules = rules
                self.action = action
            }
        }

        public enum Action: String, ClosedSetValue {
            case allow = "ALLOW"
            case deny = "DENY"
            case audit = "AUDIT"
            case custom = "CUSTOM"
        }

        public struct Provider: Codable, Sendable, Hashable {
            public var name: String?
        }

        public struct Rule: Codable, Sendable, Hashable {
            public var from: [From]?
            public var to: [To]?
            public var when: [Condition]?

            public init(from: [From]? = nil, to: [To]? = nil, when: [Condition]? = nil) {
                self.from = from
                self.to = to
                self.when = when
            }
        }

        public struct From: Codable, Sendable, Hashable {
            public var source: Source?

            public init(source: Source) { self.source = source }
        }

        public struct Source: Codable, Sendable, Hashable {
            public var principals: [String]?
            public var notPrincipals: [String]?
            public var requestPrincipals: [String]?
            public var notRequestPrincipals: [String]?
            public var namespaces: [String]?
            public var notNamespaces: [String]?
            public var ipBlocks: [String]?
            public var notIpBlocks: [String]?
            public var remoteIpBlocks: [String]?
            public var notRemoteIpBlocks: [String]?
            public var serviceAccounts: [String]?
            public var notServiceAccounts: [String]?

            public init(principals: [String]? = nil, namespaces: [String]? = nil, ipBlocks: [String]? = nil) {
                self.principals = principals
                self.namespaces = namespaces
                self.ipBlocks = ipBlocks
            }
        }

        public struct To: Codable, Sendable, Hashable {
            public var operation: Operation?

            public init(operation: Operation) { self.operation = operation }
        }

        public struct Operation: Codable, Sendable, Hashable {
            public var hosts: [String]?
            public var notHosts: [String]?
            public var ports: [String]?
            public var notPorts: [String]?
            public var methods: [String]?
            public var notMethods: [String]?
            public var paths: [String]?
            public var notPaths: [String]?

            public init(methods: [String]? = nil, paths: [String]? = nil, ports: [String]? = nil) {
                self.methods = methods
                self.paths = paths
                self.ports = ports
            }
        }

        public struct Condition: Codable, Sendable, Hashable {
            public var key: String?
            public var values: [String]?
            public var notValues: [String]?
        }

        public init(name: String, namespace: String, spec: Spec) {
            apiVersion = Self.preferredAPIVersion
            kind = Self.kind
            metadata = ObjectMeta(name: name, namespace: namespace)
            self.spec = spec
        }

        /// The action, ALLOW when omitted (Istio's default).
        public var effectiveAction: Action { spec?.action ?? .allow }

        public func validate(_ v: inout Validator) {
            guard let spec else { return } // An empty policy is a valid allow-nothing ALLOW policy.
            v.at("spec") { v in
                v.at("selector", spec.selector) { v, s in v.labels(s.matchLabels, at: "matchLabels") }
                if spec.selector != nil && (spec.targetRef != nil || spec.targetRefs != nil) {
                    v.error("set selector or targetRef(s), not both", at: "targetRef")
                }
                if spec.action == .custom {
                    if spec.provider?.name == nil { v.error("a CUSTOM policy needs provider.name", at: "provider") }
                } else if spec.provider != nil {
                    v.error("provider is only used with action CUSTOM", at: "provider")
                }
                v.each("rules", spec.rules) { v, rule in
                    v.each("from", rule.from) { v, f in
                        let source = v.required(f.source, "source")
                        v.at("source", source) { v, s in
                            for (key, blocks) in [("ipBlocks", s.ipBlocks), ("notIpBlocks", s.notIpBlocks),
                                                  ("remoteIpBlocks", s.remoteIpBlocks), ("notRemoteIpBlocks", s.notRemoteIpBlocks)] {
                                v.each(key, blocks) { v, b in v.istioSubnet(b) }
                            }
                        }
                    }
                    v.each("to", rule.to) { v, t in
                        let operation = v.required(t.operation, "operation")
                        v.at("operation", operation) { v, o in
                            v.each("ports", o.ports) { v, p in
                                if Int(p).map({ !(1...65535).contains($0) }) ?? true { v.error("expected a port number, got \"\(p)\"") }
                            }
                        }
                    }
                    v.each("when", rule.when) { v, c in
                        v.required(c.key, "key")
                        if (c.values ?? []).isEmpty && (c.notValues ?? []).isEmpty { v.error("a condition needs values or notValues") }
                    }
                }
            }
        }
    }

    /// JWT validation for the selected workloads (end-user authentication).
    public struct RequestAuthentication: KubeResource {
        public static let group = Istio.securityGroup
        public static let kind = "RequestAuthentication"
        public static let versions = Istio.securityVersions

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var selector: WorkloadSelector?
            public var targetRef: PolicyTargetReference?
            public var targetRefs: [PolicyTargetReference]?
            public var jwtRules: [JWTRule]?
        }

        public struct JWTRule: Codable, Sendable, Hashable {
            public var issuer: String?
            public var audiences: [String]?
            public var jwksUri: String?
            public var jwks: String?
            public var fromHeaders: [ManifestNode]?
            public var fromParams: [String]?
            public var fromCookies: [String]?
            public var outputPayloadToHeader: String?
            public var forwardOriginalToken: Bool?
            public var outputClaimToHeaders: [ManifestNode]?
        }

        public func validate(_ v: inout Validator) {
            guard let spec else { return }
            v.at("spec") { v in
                v.at("selector", spec.selector) { v, s in v.labels(s.matchLabels, at: "matchLabels") }
                v.each("jwtRules", spec.jwtRules) { v, r in
                    v.required(r.issuer, "issuer")
                    if r.jwks != nil && r.jwksUri != nil { v.error("set jwksUri or jwks, not both", at: "jwks") }
                }
            }
        }
    }
}
