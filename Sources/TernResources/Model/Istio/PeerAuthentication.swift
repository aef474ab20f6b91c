extension Istio {
    /// Which mTLS mode a workload accepts inbound: mesh-wide (in the root namespace, usually
    /// istio-system, with no selector), per namespace, or per workload, with per-port overrides.
    public struct PeerAuthentication: KubeResource {
        public static let group = Istio.securityGroup
        public static let kind = "PeerAuthentication"
        public static let versions = Istio.securityVersions

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var selector: WorkloadSelector?
            public var mtls: MutualTLS?
            /// Keyed by port number (as text, the way YAML keys arrive).
            public var portLevelMtls: [String: MutualTLS]?

            public init(selector: WorkloadSelector? = nil, mtls: MutualTLS? = nil, portLevelMtls: [String: MutualTLS]? = nil) {
                self.selector = selector
                self.mtls = mtls
                self.portLevelMtls = portLevelMtls
            }
        }

        public struct MutualTLS: Codable, Sendable, Hashable {
            public var mode: Mode?

            public init(mode: Mode) { self.mode = mode }
        }

        public enum Mode: String, ClosedSetValue {
            case unset = "UNSET"
            case disable = "DISABLE"
            case permissive = "PERMISSIVE"
            case strict = "STRICT"
        }

        public init(name: String, namespace: String, spec: Spec) {
            apiVersion = Self.preferredAPIVersion
            kind = Self.kind
            metadata = ObjectMeta(name: name, namespace: namespace)
            self.spec = spec
        }

        public func validate(_ v: inout Validator) {
            guard let spec else { return } // An empty PeerAuthentication means UNSET: inherit.
            v.at("spec") { v in
                v.at("selector", spec.selector) { v, s in v.labels(s.matchLabels, at: "matchLabels") }
                if let ports = spec.portLevelMtls {
                    v.at("portLevelMtls") { v in
                        if spec.selector == nil {
                            v.error("portLevelMtls needs a workload selector (Istio ignores it otherwise)")
                        }
                        for key in ports.keys.sorted() {
                            guard let n = Int(key), (1...65535).contains(n) else {
                                v.error("expected a port number from 1 to 65535 as the key, got \"\(key)\"", at: key)
                                continue
                            }
                        }
                    }
                }
            }
        }
    }
}
