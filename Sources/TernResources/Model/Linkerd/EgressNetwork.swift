/// Linkerd EgressNetwork: destinations outside the cluster, as a parent for routes, with what
/// happens to traffic no route describes.
extension Linkerd {
    public struct EgressNetwork: KubeResource {
        public static let group = Linkerd.policyGroup
        public static let kind = "EgressNetwork"
        public static let versions = ["v1alpha1"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            /// Left out: every network outside the cluster's.
            public var networks: [Network]?
            public var trafficPolicy: TrafficPolicy?

            public init(networks: [Network]? = nil, trafficPolicy: TrafficPolicy) {
                self.networks = networks
                self.trafficPolicy = trafficPolicy
            }
        }

        public enum TrafficPolicy: String, ClosedSetValue {
            case allow = "Allow"
            case deny = "Deny"
        }

        public init(metadata: ObjectMeta, spec: Spec, apiVersion: String = Self.preferredAPIVersion) {
            self.apiVersion = apiVersion
            self.kind = Self.kind
            self.metadata = metadata
            self.spec = spec
        }

        public func validate(_ v: inout Validator) {
            guard let spec = v.required(spec, "spec") else { return }
            v.at("spec") { v in
                v.required(spec.trafficPolicy, "trafficPolicy")
                v.networks(spec.networks, at: "networks")
            }
        }
    }
}
