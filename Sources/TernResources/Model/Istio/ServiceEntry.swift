extension Istio {
    /// Adds hosts to Istio's service registry: usually external services (MESH_EXTERNAL), so
    /// egress to them is allowed, observed and routable.
    public struct ServiceEntry: KubeResource {
        public static let group = Istio.networkingGroup
        public static let kind = "ServiceEntry"
        public static let versions = Istio.networkingVersions

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var hosts: [String]?
            public var addresses: [String]?
            public var ports: [Port]?
            public var location: Location?
            public var resolution: Resolution?
            public var endpoints: [ManifestNode]?
            public var workloadSelector: WorkloadSelector?
            public var exportTo: [String]?
            public var subjectAltNames: [String]?

            public init(hosts: [String], addresses: [String]? = nil, ports: [Port]? = nil, location: Location? = nil, resolution: Resolution? = nil) {
                self.hosts = hosts
                self.addresses = addresses
                self.ports = ports
                self.location = location
                self.resolution = resolution
            }
        }

        public struct Port: Codable, Sendable, Hashable {
            public var number: Int?
            public var `protocol`: String?
            public var name: String?
            public var targetPort: Int?

            public init(number: Int, protocol: String, name: String) {
                self.number = number
                self.protocol = `protocol`
                self.name = name
            }
        }

        public enum Location: String, ClosedSetValue {
            case meshExternal = "MESH_EXTERNAL"
            case meshInternal = "MESH_INTERNAL"
        }

        public enum Resolution: String, ClosedSetValue {
            case none = "NONE"
            case `static` = "STATIC"
            case dns = "DNS"
            case dnsRoundRobin = "DNS_ROUND_ROBIN"
        }

        public func validate(_ v: inout Validator) {
            guard let spec = v.required(spec, "spec") else { return }
            v.at("spec") { v in
                v.nonEmpty(spec.hosts, "hosts")
                v.each("addresses", spec.addresses) { v, a in v.istioSubnet(a) }
                v.each("ports", spec.ports) { v, p in
                    v.required(p.number, "number")
                    v.portNumber(p.number, at: "number")
                    v.portNumber(p.targetPort, at: "targetPort")
                }
            }
        }
    }

    /// Scopes what a sidecar sees and accepts (egress hosts, ingress listeners, outbound
    /// traffic policy).
    public struct Sidecar: KubeResource {
        public static let group = Istio.networkingGroup
        public static let kind = "Sidecar"
        public static let versions = Istio.networkingVersions

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var workloadSelector: WorkloadSelector?
            /// Kept whole: each listener is reported, not translated.
            public var ingress: [ManifestNode]?
            public var egress: [Egress]?
            public var outboundTrafficPolicy: OutboundTrafficPolicy?
            public var inboundConnectionPool: ManifestNode?
        }

        public struct Egress: Codable, Sendable, Hashable {
            public var hosts: [String]?
            public var port: ManifestNode?
            public var bind: String?
            public var captureMode: String?
        }

        public struct OutboundTrafficPolicy: Codable, Sendable, Hashable {
            public var mode: String?
            public var egressProxy: ManifestNode?
        }

        public func validate(_ v: inout Validator) {
            guard let spec = v.required(spec, "spec") else { return }
            v.at("spec") { v in
                v.at("workloadSelector", spec.workloadSelector) { v, s in v.labels(s.matchLabels, at: "matchLabels") }
                v.each("egress", spec.egress) { v, e in v.nonEmpty(e.hosts, "hosts") }
                v.at("outboundTrafficPolicy", spec.outboundTrafficPolicy) { v, p in
                    v.oneOf(p.mode, ["REGISTRY_ONLY", "ALLOW_ANY"], at: "mode")
                }
            }
        }
    }
}
