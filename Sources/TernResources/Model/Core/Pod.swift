import TernCore

/// A Pod: labels, IP and service account are what the control plane maps to endpoints and
/// identities.
public struct Pod: KubeResource {
    public static let group = ""
    public static let kind = "Pod"
    public static let versions = ["v1"]

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: PodSpec?
    public var status: Status?

    public struct Status: Codable, Sendable, Hashable {
        public var podIP: String?
        public var podIPs: [PodIP]?
        public var phase: String?

        public init(podIP: String? = nil, phase: String? = nil) {
            self.podIP = podIP
            self.phase = phase
        }
    }

    public struct PodIP: Codable, Sendable, Hashable {
        public var ip: String?
    }

    public init(name: String, namespace: String, labels: [String: String]? = nil, annotations: [String: String]? = nil, spec: PodSpec? = nil, status: Status? = nil) {
        apiVersion = Self.preferredAPIVersion
        kind = Self.kind
        metadata = ObjectMeta(name: name, namespace: namespace, labels: labels, annotations: annotations)
        self.spec = spec
        self.status = status
    }

    /// The account the pod runs as; Kubernetes uses "default" when none is named.
    public var serviceAccountName: String { spec?.serviceAccountName ?? "default" }

    /// Every IP of the pod.
    public var ips: [String] {
        var ips = (status?.podIPs ?? []).compactMap(\.ip)
        if let ip = status?.podIP, !ips.contains(ip) { ips.insert(ip, at: 0) }
        return ips
    }

    public func validate(_ v: inout Validator) {
        v.at("spec", spec) { v, s in s.validate(&v) }
        v.at("status", status) { v, s in
            if let ip = s.podIP, IPAddress(parsing: ip) == nil { v.error("expected an IP address, got \"\(ip)\"", at: "podIP") }
        }
    }
}

/// The parts of a pod spec Tern acts on.
public struct PodSpec: Codable, Sendable, Hashable {
    public var serviceAccountName: String?
    public var serviceAccount: String?
    public var containers: [Container]?
    public var initContainers: [Container]?
    public var hostNetwork: Bool?

    public init(serviceAccountName: String? = nil, containers: [Container]? = nil) {
        self.serviceAccountName = serviceAccountName
        self.containers = containers
    }

    public struct Container: Codable, Sendable, Hashable {
        public var name: String?
        public var image: String?
        public var command: [String]?
        public var args: [String]?
        public var ports: [ContainerPort]?
        public var env: [EnvVar]?

        public init(name: String, image: String? = nil, ports: [ContainerPort]? = nil) {
            self.name = name
            self.image = image
            self.ports = ports
        }
    }

    public struct ContainerPort: Codable, Sendable, Hashable {
        public var name: String?
        public var containerPort: Int?
        public var `protocol`: TransportProtocol?

        public init(name: String? = nil, containerPort: Int) {
            self.name = name
            self.containerPort = containerPort
        }
    }

    public struct EnvVar: Codable, Sendable, Hashable {
        public var name: String?
        public var value: String?
    }

    func validate(_ v: inout Validator) {
        if let sa = serviceAccountName, !KubernetesNames.isDNSSubdomain(sa) {
            v.error("\"\(sa)\" is not a valid service account name", at: "serviceAccountName")
        }
        v.nonEmpty(containers, "containers")
        for key in ["containers", "initContainers"] {
            var names: Set<String> = []
            v.each(key, key == "containers" ? containers : initContainers) { v, c in
                if let name = v.required(c.name, "name") {
                    if !KubernetesNames.isDNSLabel(name) { v.error("container name must be a DNS label, got \"\(name)\"", at: "name") }
                    if !names.insert(name).inserted { v.error("duplicate container name \"\(name)\"", at: "name") }
                }
                v.each("ports", c.ports) { v, p in
                    v.required(p.containerPort, "containerPort")
                    v.portNumber(p.containerPort, at: "containerPort")
                    if let n = p.name, !KubernetesNames.isValidPortName(n) {
                        v.error("expected a port name (at most 15 characters of a-z, 0-9 and '-', with a letter), got \"\(n)\"", at: "name")
                    }
                }
                v.each("env", c.env) { v, e in v.required(e.name, "name") }
            }
        }
    }
}

/// A pod template inside a workload.
public struct PodTemplateSpec: Codable, Sendable, Hashable {
    public var metadata: ObjectMeta?
    public var spec: PodSpec?

    public init(metadata: ObjectMeta? = nil, spec: PodSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}
