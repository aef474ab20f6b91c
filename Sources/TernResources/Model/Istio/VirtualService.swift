extension Istio {
    /// An Istio VirtualService: routing rules for a set of hosts, bound to Istio Gateways
    /// (`gateways`) or to the mesh (no gateways, or the reserved name `mesh`). Rules are
    /// first-match in list order.
    public struct VirtualService: KubeResource {
        public static let group = Istio.networkingGroup
        public static let kind = "VirtualService"
        public static let versions = Istio.networkingVersions

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var hosts: [String]?
            public var gateways: [String]?
            public var http: [HTTPRoute]?
            public var tls: [TLSRoute]?
            public var tcp: [TCPRoute]?
            public var exportTo: [String]?

            public init(hosts: [String]? = nil, gateways: [String]? = nil, http: [HTTPRoute]? = nil, tls: [TLSRoute]? = nil, tcp: [TCPRoute]? = nil) {
                self.hosts = hosts
                self.gateways = gateways
                self.http = http
                self.tls = tls
                self.tcp = tcp
            }

            /// True when the rules apply to sidecars (east-west): no gateways, or `mesh` listed.
            public var appliesToMesh: Bool {
                guard let gateways, !gateways.isEmpty else { return true }
                return gateways.contains("mesh")
            }

            /// Gateways named, without the reserved `mesh`.
            public var ingressGateways: [String] { (gateways ?? []).filter { $0 != "mesh" } }
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
                v.nonEmpty(spec.hosts, "hosts")
                v.each("hosts", spec.hosts) { v, host in
                    if host.isEmpty { v.error("host must not be empty") }
                }
                if (spec.http ?? []).isEmpty && (spec.tls ?? []).isEmpty && (spec.tcp ?? []).isEmpty {
                    v.error("a VirtualService needs at least one of http, tls or tcp routes", at: "http")
                }
                v.each("http", spec.http) { v, route in route.validate(&v) }
                v.each("tls", spec.tls) { v, route in route.validate(&v) }
                v.each("tcp", spec.tcp) { v, route in route.validate(&v) }
            }
        }
    }

    /// Where traffic goes: a host (a Service short name, FQDN or ServiceEntry host), an
    /// optional DestinationRule subset and port.
    public struct Destination: Codable, Sendable, Hashable {
        public var host: String?
        public var subset: String?
        public var port: PortSelector?

        public init(host: String, subset: String? = nil, port: PortSelector? = nil) {
            self.host = host
            self.subset = subset
            self.port = port
        }

        func validate(_ v: inout Validator) {
            if let host = v.required(host, "host"), host.isEmpty { v.error("host must not be empty", at: "host") }
            v.at("port", port) { v, p in v.portNumber(p.number, at: "number") }
        }
    }

    /// A weighted destination of a TCP or TLS route.
    public struct RouteDestination: Codable, Sendable, Hashable {
        public var destination: Destination?
        public var weight: Int?

        public init(destination: Destination, weight: Int? = nil) {
            self.destination = destination
            self.weight = weight
        }
    }
}

extension Validator {
    /// Istio weights are 0–100 and, when more than one destination is listed, should sum to 100.
    mutating func istioWeights(_ weights: [Int?], at key: String) {
        each(key, weights) { v, w in
            if let w, !(0...100).contains(w) { v.error("weight must be from 0 to 100, got \(w)", at: "weight") }
        }
        let given = weights.compactMap { $0 }
        if weights.count > 1, given.count == weights.count, given.reduce(0, +) != 100 {
            warning("destination weights add up to \(given.reduce(0, +)), not 100; Istio normalizes them", at: key)
        }
    }
}
