import TernCore

/// Linkerd ExternalWorkload (`workload.linkerd.io`): a meshed workload outside Kubernetes (a
/// VM), with its mesh identity, ports and IPs, selectable by Services and Servers.
extension Linkerd {
    public struct ExternalWorkload: KubeResource {
        public static let group = "workload.linkerd.io"
        public static let kind = "ExternalWorkload"
        public static let versions = ["v1beta1", "v1alpha1"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var meshTLS: MeshTLS?
            public var ports: [Port]?
            public var workloadIPs: [WorkloadIP]?

            public init(meshTLS: MeshTLS, ports: [Port]? = nil, workloadIPs: [WorkloadIP]? = nil) {
                self.meshTLS = meshTLS
                self.ports = ports
                self.workloadIPs = workloadIPs
            }
        }

        public struct MeshTLS: Codable, Sendable, Hashable {
            /// The workload's identity, usually a SPIFFE ID.
            public var identity: String?
            /// The TLS server name clients expect.
            public var serverName: String?

            public init(identity: String, serverName: String) {
                self.identity = identity
                self.serverName = serverName
            }
        }

        public struct Port: Codable, Sendable, Hashable {
            public var name: String?
            public var port: Int?
            public var `protocol`: TransportProtocol?

            public init(name: String? = nil, port: Int, protocol: TransportProtocol? = nil) {
                self.name = name
                self.port = port
                self.protocol = `protocol`
            }
        }

        public struct WorkloadIP: Codable, Sendable, Hashable {
            public var ip: String?

            public init(ip: String) { self.ip = ip }
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
                if let tls = v.required(spec.meshTLS, "meshTLS") {
                    v.at("meshTLS") { v in
                        if let id = v.required(tls.identity, "identity"), id == "*" || id.contains("*") || !Linkerd.isIdentityPattern(id) {
                            v.error("expected a workload identity such as \"spiffe://root.linkerd.cluster.local/vm-1\", got \"\(id)\"", at: "identity")
                        }
                        if let name = v.required(tls.serverName, "serverName"), !KubernetesNames.isDNSSubdomain(name) {
                            v.error("expected a DNS name, got \"\(name)\"", at: "serverName")
                        }
                    }
                }
                var names: Set<String> = []
                var numbers: Set<Int> = []
                v.each("ports", spec.ports) { v, p in
                    if let port = v.required(p.port, "port") {
                        v.portNumber(port, at: "port")
                        if !numbers.insert(port).inserted { v.error("port \(port) is listed twice", at: "port") }
                    }
                    if let name = p.name {
                        if !KubernetesNames.isValidPortName(name) {
                            v.error("\"\(name)\" is not a valid port name (at most 15 characters of a-z, 0-9 and '-', with at least one letter)", at: "name")
                        } else if !names.insert(name).inserted {
                            v.error("port name \"\(name)\" is used twice", at: "name")
                        }
                    }
                }
                v.each("workloadIPs", spec.workloadIPs) { v, w in
                    if let ip = v.required(w.ip, "ip"), IPAddress(parsing: ip) == nil {
                        v.error("expected an IP address, got \"\(ip)\"", at: "ip")
                    }
                }
            }
        }
    }
}
