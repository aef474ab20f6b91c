/// Linkerd Server: a port on a set of pods (or external workloads), its protocol, and — from
/// v1beta3 — the policy applied when no authorization matches.
extension Linkerd {
    public struct Server: KubeResource {
        public static let group = Linkerd.policyGroup
        public static let kind = "Server"
        public static let versions = ["v1beta3", "v1beta2", "v1beta1"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var podSelector: LabelSelector?
            public var externalWorkloadSelector: LabelSelector?
            public var port: PortRef?
            public var proxyProtocol: ProxyProtocol?
            public var accessPolicy: DefaultPolicy?

            public init(podSelector: LabelSelector? = nil, externalWorkloadSelector: LabelSelector? = nil, port: PortRef,
                        proxyProtocol: ProxyProtocol? = nil, accessPolicy: DefaultPolicy? = nil) {
                self.podSelector = podSelector
                self.externalWorkloadSelector = externalWorkloadSelector
                self.port = port
                self.proxyProtocol = proxyProtocol
                self.accessPolicy = accessPolicy
            }
        }

        /// How the proxy treats connections to the port; `unknown` means "detect".
        public enum ProxyProtocol: String, ClosedSetValue {
            case unknown
            case http1 = "HTTP/1"
            case http2 = "HTTP/2"
            case grpc = "gRPC"
            case opaque
            case tls = "TLS"
        }

        public init(metadata: ObjectMeta, spec: Spec, apiVersion: String = Self.preferredAPIVersion) {
            self.apiVersion = apiVersion
            self.kind = Self.kind
            self.metadata = metadata
            self.spec = spec
        }

        public func validate(_ v: inout Validator) {
            guard let spec = v.required(spec, "spec") else { return }
            let version = splitAPIVersion(apiVersion).version
            v.at("spec") { v in
                switch (spec.podSelector, spec.externalWorkloadSelector) {
                case (nil, nil): v.error("set exactly one of podSelector or externalWorkloadSelector")
                case (_?, _?): v.error("set only one of podSelector or externalWorkloadSelector", at: "externalWorkloadSelector")
                default: break
                }
                // Older versions do not have these fields: the API server would drop them, so
                // Linkerd would behave differently from what the manifest says.
                if spec.externalWorkloadSelector != nil, version == "v1beta1" {
                    v.error("externalWorkloadSelector needs policy.linkerd.io/v1beta2 or later, got \(apiVersion)", at: "externalWorkloadSelector")
                }
                if spec.accessPolicy != nil, version != "v1beta3" {
                    v.error("accessPolicy needs policy.linkerd.io/v1beta3, got \(apiVersion)", at: "accessPolicy")
                }
                v.selector(spec.podSelector, at: "podSelector")
                v.selector(spec.externalWorkloadSelector, at: "externalWorkloadSelector")
                v.required(spec.port, "port")
                v.port(spec.port, at: "port")
            }
        }
    }
}
