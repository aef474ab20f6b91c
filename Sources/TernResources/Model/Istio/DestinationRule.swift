extension Istio {
    /// An Istio DestinationRule: client-side policy for a host, and named subsets (label
    /// selections of its endpoints) that VirtualServices route to.
    public struct DestinationRule: KubeResource {
        public static let group = Istio.networkingGroup
        public static let kind = "DestinationRule"
        public static let versions = Istio.networkingVersions

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var host: String?
            public var trafficPolicy: TrafficPolicy?
            public var subsets: [Subset]?
            public var exportTo: [String]?
            public var workloadSelector: WorkloadSelector?

            public init(host: String, trafficPolicy: TrafficPolicy? = nil, subsets: [Subset]? = nil) {
                self.host = host
                self.trafficPolicy = trafficPolicy
                self.subsets = subsets
            }
        }

        public struct Subset: Codable, Sendable, Hashable {
            public var name: String?
            public var labels: [String: String]?
            public var trafficPolicy: TrafficPolicy?

            public init(name: String, labels: [String: String], trafficPolicy: TrafficPolicy? = nil) {
                self.name = name
                self.labels = labels
                self.trafficPolicy = trafficPolicy
            }
        }

        public init(name: String, namespace: String, spec: Spec) {
            apiVersion = Self.preferredAPIVersion
            kind = Self.kind
            metadata = ObjectMeta(name: name, namespace: namespace)
            self.spec = spec
        }

        public func validate(_ v: inout Validator) {
            guard let spec = v.required(spec, "spec") else { return }
            v.at("spec") { v in
                if let host = v.required(spec.host, "host"), host.isEmpty { v.error("host must not be empty", at: "host") }
                v.at("trafficPolicy", spec.trafficPolicy) { v, p in p.validate(&v) }
                var names: Set<String> = []
                v.each("subsets", spec.subsets) { v, s in
                    if let name = v.required(s.name, "name") {
                        if !names.insert(name).inserted { v.error("duplicate subset name \"\(name)\"", at: "name") }
                        if !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) || name.isEmpty {
                            v.error("a subset name is letters, digits, '-', '_' and '.', got \"\(name)\"", at: "name")
                        }
                    }
                    v.labels(s.labels, at: "labels")
                    v.at("trafficPolicy", s.trafficPolicy) { v, p in p.validate(&v) }
                }
            }
        }
    }
}
