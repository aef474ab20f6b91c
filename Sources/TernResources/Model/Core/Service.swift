import TernCore

/// A Service: the logical destination proxies resolve (ClusterIP and name → endpoints).
public struct Service: KubeResource {
    public static let group = ""
    public static let kind = "Service"
    public static let versions = ["v1"]

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: Spec?

    public struct Spec: Codable, Sendable, Hashable {
        public var type: ServiceType?
        public var selector: [String: String]?
        public var clusterIP: String?
        public var clusterIPs: [String]?
        public var ports: [ServicePort]?
        public var externalName: String?

        public init(type: ServiceType? = nil, selector: [String: String]? = nil, clusterIP: String? = nil, ports: [ServicePort]? = nil) {
            self.type = type
            self.selector = selector
            self.clusterIP = clusterIP
            self.ports = ports
        }
    }

    public enum ServiceType: String, ClosedSetValue {
        case clusterIP = "ClusterIP"
        case nodePort = "NodePort"
        case loadBalancer = "LoadBalancer"
        case externalName = "ExternalName"
    }

    public struct ServicePort: Codable, Sendable, Hashable {
        public var name: String?
        public var `protocol`: TransportProtocol?
        public var port: Int?
        public var targetPort: PortRef?
        public var appProtocol: String?
        public var nodePort: Int?

        public init(name: String? = nil, port: Int, targetPort: PortRef? = nil, appProtocol: String? = nil) {
            self.name = name
            self.port = port
            self.targetPort = targetPort
            self.appProtocol = appProtocol
        }
    }

    public init(name: String, namespace: String, spec: Spec) {
        apiVersion = Self.preferredAPIVersion
        kind = Self.kind
        metadata = ObjectMeta(name: name, namespace: namespace)
        self.spec = spec
    }

    /// Every cluster IP the service answers on.
    public var clusterIPs: [String] {
        var ips = spec?.clusterIPs ?? []
        if let ip = spec?.clusterIP, ip != "None", !ip.isEmpty, !ips.contains(ip) { ips.insert(ip, at: 0) }
        return ips.filter { $0 != "None" }
    }

    public func validate(_ v: inout Validator) {
        if let name = metadata.name, !KubernetesNames.isDNSLabel(name) {
            v.error("a Service name must be a DNS label (lowercase letters, digits and '-', at most 63 characters), got \"\(name)\"", at: "metadata")
        }
        guard v.required(spec, "spec") != nil, let spec else { return }
        v.at("spec") { v in
            if spec.type == .externalName {
                v.required(spec.externalName, "externalName")
            }
            for (key, ip) in [("clusterIP", spec.clusterIP)] + (spec.clusterIPs ?? []).map({ ("clusterIPs", $0) }) {
                if let ip, ip != "None", !ip.isEmpty, IPAddress(parsing: ip) == nil {
                    v.error("expected an IP address or \"None\", got \"\(ip)\"", at: key)
                }
            }
            v.labels(spec.selector, at: "selector")
            let multiple = (spec.ports?.count ?? 0) > 1
            var seen: Set<String> = []
            v.each("ports", spec.ports) { v, p in
                v.required(p.port, "port")
                v.portNumber(p.port, at: "port")
                v.port(p.targetPort, at: "targetPort")
                if let n = p.nodePort, !(1...65535).contains(n) { v.portNumber(n, at: "nodePort") }
                if let name = p.name {
                    if !KubernetesNames.isDNSLabel(name) { v.error("port name must be a DNS label, got \"\(name)\"", at: "name") }
                    if !seen.insert(name).inserted { v.error("duplicate port name \"\(name)\"", at: "name") }
                } else if multiple {
                    v.error("every port needs a name when a Service has more than one port", at: "name")
                }
            }
        }
    }
}

/// L4 protocol of a port.
public enum TransportProtocol: String, ClosedSetValue {
    case tcp = "TCP"
    case udp = "UDP"
    case sctp = "SCTP"
}
