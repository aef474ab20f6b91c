import TernCore

extension Istio {
    /// An Istio Gateway: listeners on a set of gateway pods (chosen by `selector`) that
    /// VirtualServices bind to. Not the Gateway API Gateway.
    public struct Gateway: KubeResource {
        public static let group = Istio.networkingGroup
        public static let kind = "Gateway"
        public static let versions = Istio.networkingVersions

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var selector: [String: String]?
            public var servers: [Server]?

            public init(selector: [String: String]? = nil, servers: [Server]? = nil) {
                self.selector = selector
                self.servers = servers
            }
        }

        public struct Server: Codable, Sendable, Hashable {
            public var port: Port?
            public var bind: String?
            public var hosts: [String]?
            public var tls: ServerTLSSettings?
            public var defaultEndpoint: String?
            public var name: String?

            public init(port: Port, hosts: [String], tls: ServerTLSSettings? = nil, name: String? = nil) {
                self.port = port
                self.hosts = hosts
                self.tls = tls
                self.name = name
            }
        }

        public struct Port: Codable, Sendable, Hashable {
            public var number: Int?
            /// HTTP, HTTPS, GRPC, HTTP2, MONGO, TCP or TLS; Istio compares case-insensitively.
            public var `protocol`: String?
            public var name: String?
            public var targetPort: Int?

            public init(number: Int, protocol: String, name: String? = nil) {
                self.number = number
                self.protocol = `protocol`
                self.name = name
            }

            /// The protocol in Istio's canonical upper case.
            public var normalizedProtocol: String { (self.protocol ?? "").uppercased() }
        }

        public struct ServerTLSSettings: Codable, Sendable, Hashable {
            public var httpsRedirect: Bool?
            public var mode: TLSMode?
            public var serverCertificate: String?
            public var privateKey: String?
            public var caCertificates: String?
            public var credentialName: String?
            public var subjectAltNames: [String]?
            public var verifyCertificateSpki: [String]?
            public var verifyCertificateHash: [String]?
            public var minProtocolVersion: String?
            public var maxProtocolVersion: String?
            public var cipherSuites: [String]?

            public init(mode: TLSMode? = nil, credentialName: String? = nil, httpsRedirect: Bool? = nil) {
                self.mode = mode
                self.credentialName = credentialName
                self.httpsRedirect = httpsRedirect
            }
        }

        public enum TLSMode: String, ClosedSetValue {
            case passthrough = "PASSTHROUGH"
            case simple = "SIMPLE"
            case mutual = "MUTUAL"
            case autoPassthrough = "AUTO_PASSTHROUGH"
            case istioMutual = "ISTIO_MUTUAL"
            case optionalMutual = "OPTIONAL_MUTUAL"
        }

        static let protocols = ["HTTP", "HTTPS", "GRPC", "GRPC-WEB", "HTTP2", "MONGO", "TCP", "TLS"]

        public init(name: String, namespace: String, spec: Spec) {
            apiVersion = Self.preferredAPIVersion
            kind = Self.kind
            metadata = ObjectMeta(name: name, namespace: namespace)
            self.spec = spec
        }

        public func validate(_ v: inout Validator) {
            guard let spec = v.required(spec, "spec") else { return }
            v.at("spec") { v in
                v.labels(spec.selector, at: "selector")
                v.nonEmpty(spec.servers, "servers")
                var names: Set<String> = []
                v.each("servers", spec.servers) { v, server in
                    if let name = server.name, !names.insert(name).inserted {
                        v.error("duplicate server name \"\(name)\"", at: "name")
                    }
                    server.validate(&v)
                }
            }
        }
    }
}

extension Istio.Gateway.Server {
    func validate(_ v: inout Validator) {
        if let port = v.required(port, "port") {
            v.at("port") { v in
                v.required(port.number, "number")
                v.portNumber(port.number, at: "number")
                v.portNumber(port.targetPort, at: "targetPort")
                if let p = v.required(port.protocol, "protocol"), !Istio.Gateway.protocols.contains(p.uppercased()) {
                    v.error("expected one of \(Istio.Gateway.protocols.joined(separator: ", ")), got \"\(p)\"", at: "protocol")
                }
            }
        }
        v.nonEmpty(hosts, "hosts")
        v.each("hosts", hosts) { v, host in
            // `namespace/host`: the namespace part limits which VirtualServices may bind.
            let hostPart = host.split(separator: "/", maxSplits: 1).last.map(String.init) ?? host
            if hostPart.isEmpty { v.error("host must not be empty") }
        }
        guard let tls else {
            let proto = port?.normalizedProtocol ?? ""
            if proto == "HTTPS" || proto == "TLS" {
                v.error("a server on protocol \(proto) needs tls settings", at: "tls")
            }
            return
        }
        v.at("tls") { v in
            switch tls.mode {
            case .simple?, .mutual?, .optionalMutual?:
                if tls.credentialName == nil && tls.serverCertificate == nil {
                    v.error("TLS mode \(tls.mode!.rawValue) needs credentialName (or serverCertificate and privateKey)", at: "mode")
                }
            default: break
            }
        }
    }
}
