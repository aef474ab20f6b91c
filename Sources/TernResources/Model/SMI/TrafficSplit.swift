import TernCore

/// Service Mesh Interface kinds (`split.smi-spec.io`); Linkerd serves TrafficSplit through its
/// SMI extension.
public enum SMI {
    public static let splitGroup = "split.smi-spec.io"
}

extension SMI {
    /// Splits traffic for a root (apex) Service among backend Services by weight.
    public struct TrafficSplit: KubeResource {
        public static let group = SMI.splitGroup
        public static let kind = "TrafficSplit"
        /// v1alpha2 first: it is what Linkerd's SMI extension serves and emits.
        public static let versions = ["v1alpha2", "v1alpha1", "v1alpha3", "v1alpha4"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var service: String?
            public var backends: [Backend]?
            /// Route groups the split applies to (v1alpha3 and later).
            public var matches: [Match]?

            public init(service: String, backends: [Backend], matches: [Match]? = nil) {
                self.service = service
                self.backends = backends
                self.matches = matches
            }
        }

        public struct Backend: Codable, Sendable, Hashable {
            public var service: String?
            /// A whole number; v1alpha1 also allows quantities such as "500m".
            public var weight: Quantity?

            public init(service: String, weight: Quantity) {
                self.service = service
                self.weight = weight
            }

            public init(service: String, weight: Int) {
                self.init(service: service, weight: .number(weight))
            }
        }

        /// A reference to an SMI route group (`HTTPRouteGroup`, `TCPRoute`).
        public struct Match: Codable, Sendable, Hashable {
            public var kind: String?
            public var name: String?
            public var apiGroup: String?

            public init(kind: String, name: String, apiGroup: String? = nil) {
                self.kind = kind
                self.name = name
                self.apiGroup = apiGroup
            }
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
                v.serviceName(v.required(spec.service, "service"), at: "service")
                v.nonEmpty(spec.backends, "backends")
                var seen: Set<String> = []
                v.each("backends", spec.backends) { v, b in
                    if let service = v.required(b.service, "service") {
                        v.serviceName(service, at: "service")
                        if !seen.insert(service).inserted { v.error("backend \"\(service)\" is listed twice", at: "service") }
                    }
                    guard let weight = v.required(b.weight, "weight") else { return }
                    if version != "v1alpha1", case .text(let text) = weight {
                        v.error("expected a whole number weight in \(apiVersion) (quantities such as \"500m\" need v1alpha1), got \"\(text)\"", at: "weight")
                    } else {
                        v.quantityWeight(weight, at: "weight")
                    }
                }
                if spec.matches != nil, version == "v1alpha1" || version == "v1alpha2" {
                    v.error("matches needs split.smi-spec.io/v1alpha3 or later, got \(apiVersion)", at: "matches")
                }
                v.each("matches", spec.matches) { v, m in
                    v.oneOf(v.required(m.kind, "kind"), ["HTTPRouteGroup", "TCPRoute", "UDPRoute"], at: "kind")
                    v.objectName(v.required(m.name, "name"), at: "name")
                }
            }
        }
    }
}

extension Validator {
    /// Service names are DNS labels.
    mutating func serviceName(_ value: String?, at key: String) {
        guard let value else { return }
        if !KubernetesNames.isDNSLabel(value) {
            error("expected a Service name (a DNS label: lowercase letters, digits and '-', at most 63 characters), got \"\(value)\"", at: key)
        }
    }
}
