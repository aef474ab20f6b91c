import TernCore

/// Gateway API Gateway: listeners (port, protocol, hostname, TLS) that routes attach to.
/// Tern serves these for ingress.
extension GatewayAPI {
    public struct Gateway: KubeResource {
        public static let group = GatewayAPI.group
        public static let kind = "Gateway"
        public static let versions = ["v1", "v1beta1"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: GatewaySpec?

        public init(metadata: ObjectMeta, spec: GatewaySpec, apiVersion: String = Self.preferredAPIVersion) {
            self.apiVersion = apiVersion
            self.kind = Self.kind
            self.metadata = metadata
            self.spec = spec
        }

        public func validate(_ v: inout Validator) {
            guard let spec = v.required(spec, "spec") else { return }
            v.at("spec") { v in spec.validate(&v) }
        }
    }

    public struct GatewaySpec: Codable, Sendable, Hashable {
        public var gatewayClassName: String?
        public var listeners: [Listener]?
        public var addresses: [GatewayAddress]?

        public init(gatewayClassName: String, listeners: [Listener], addresses: [GatewayAddress]? = nil) {
            self.gatewayClassName = gatewayClassName
            self.listeners = listeners
            self.addresses = addresses
        }

        func validate(_ v: inout Validator) {
            v.objectName(v.required(gatewayClassName, "gatewayClassName"), at: "gatewayClassName")
            v.nonEmpty(listeners, "listeners")
            if let n = listeners?.count, n > 64 { v.error("at most 64 listeners are allowed, got \(n)", at: "listeners") }
            var names: Set<String> = []
            var bindings: [String: String] = [:]
            v.each("listeners", listeners) { v, l in
                l.validate(&v)
                if let name = l.name, !names.insert(name).inserted {
                    v.error("listener name \"\(name)\" is used twice", at: "name")
                }
                // Two listeners on one port, protocol and hostname could not be told apart.
                if let port = l.port, let proto = l.protocol {
                    let binding = "\(port)/\(proto)/\(l.hostname ?? "")"
                    if let other = bindings[binding] {
                        v.error("listener conflicts with \"\(other)\": same port, protocol and hostname")
                    } else {
                        bindings[binding] = l.name ?? ""
                    }
                }
            }
            v.each("addresses", addresses) { v, a in
                guard let value = v.required(a.value, "value") else { return }
                if (a.type ?? "IPAddress") == "IPAddress", IPAddress(parsing: value) == nil {
                    v.error("expected an IP address, got \"\(value)\"", at: "value")
                }
            }
        }
    }

    public struct GatewayAddress: Codable, Sendable, Hashable {
        /// `IPAddress` (the default), `Hostname` or an implementation-specific type.
        public var type: String?
        public var value: String?

        public init(type: String? = nil, value: String) {
            self.type = type
            self.value = value
        }
    }

    public struct Listener: Codable, Sendable, Hashable {
        public var name: String?
        public var hostname: String?
        public var port: Int?
        /// `HTTP`, `HTTPS`, `TLS`, `TCP`, `UDP` or a domain-prefixed custom protocol.
        public var `protocol`: String?
        public var tls: GatewayTLSConfig?
        public var allowedRoutes: AllowedRoutes?

        public init(name: String, hostname: String? = nil, port: Int, protocol: String, tls: GatewayTLSConfig? = nil, allowedRoutes: AllowedRoutes? = nil) {
            self.name = name
            self.hostname = hostname
            self.port = port
            self.protocol = `protocol`
            self.tls = tls
            self.allowedRoutes = allowedRoutes
        }

        static let standardProtocols = ["HTTP", "HTTPS", "TLS", "TCP", "UDP"]

        func validate(_ v: inout Validator) {
            if let name = v.required(name, "name"), !KubernetesNames.isDNSSubdomain(name) {
                v.error("\"\(name)\" is not a valid listener name (lowercase letters, digits, '-' and '.')", at: "name")
            }
            v.required(port, "port")
            v.portNumber(port, at: "port")
            guard let proto = v.required(`protocol`, "protocol") else { return }
            let custom = proto.contains("/") && KubernetesNames.isDNSSubdomain(String(proto.split(separator: "/")[0]))
            if !Self.standardProtocols.contains(proto), !custom {
                v.error("expected one of HTTP, HTTPS, TLS, TCP, UDP or a domain-prefixed protocol such as \"example.com/proto\", got \"\(proto)\"", at: "protocol")
            }
            if let hostname {
                if proto == "TCP" || proto == "UDP" {
                    v.error("protocol \(proto) takes no hostname", at: "hostname")
                } else {
                    v.gatewayHostname(hostname, at: "hostname")
                }
            }
            switch proto {
            case "HTTPS", "TLS":
                v.at("tls", v.required(tls, "tls")) { v, t in t.validate(&v, protocol: proto) }
            case "HTTP", "TCP", "UDP":
                if tls != nil { v.error("protocol \(proto) takes no tls; use HTTPS or TLS", at: "tls") }
            default:
                v.at("tls", tls) { v, t in t.validate(&v, protocol: proto) }
            }
            v.at("allowedRoutes", allowedRoutes) { v, a in a.validate(&v) }
        }
    }

    public enum TLSModeType: String, ClosedSetValue {
        case terminate = "Terminate"
        case passthrough = "Passthrough"
    }

    public struct GatewayTLSConfig: Codable, Sendable, Hashable {
        public var mode: TLSModeType?
        public var certificateRefs: [SecretObjectReference]?
        public var options: [String: String]?

        public init(mode: TLSModeType? = nil, certificateRefs: [SecretObjectReference]? = nil, options: [String: String]? = nil) {
            self.mode = mode
            self.certificateRefs = certificateRefs
            self.options = options
        }

        func validate(_ v: inout Validator, protocol proto: String) {
            let mode = self.mode ?? .terminate
            if proto == "HTTPS", mode == .passthrough {
                v.error("an HTTPS listener terminates TLS; use protocol TLS for Passthrough", at: "mode")
            }
            if mode == .terminate, (certificateRefs ?? []).isEmpty, (options ?? [:]).isEmpty {
                v.error("certificateRefs must name at least one certificate when mode is Terminate", at: "certificateRefs")
            }
            v.each("certificateRefs", certificateRefs) { v, ref in
                v.referencedKind(group: ref.group, kind: ref.kind, allowed: [("", "Secret")], defaultGroup: "", defaultKind: "Secret")
                v.objectName(v.required(ref.name, "name"), at: "name")
                v.namespaceName(ref.namespace, at: "namespace")
            }
        }
    }

    /// A reference to a Secret (TLS certificate and key).
    public struct SecretObjectReference: Codable, Sendable, Hashable {
        public var group: String?
        public var kind: String?
        public var name: String?
        public var namespace: String?

        public init(group: String? = nil, kind: String? = nil, name: String, namespace: String? = nil) {
            self.group = group
            self.kind = kind
            self.name = name
            self.namespace = namespace
        }
    }

    public enum FromNamespaces: String, ClosedSetValue {
        case all = "All"
        case same = "Same"
        case selector = "Selector"
    }

    /// Which routes may attach to a listener: from which namespaces, and of which kinds.
    public struct AllowedRoutes: Codable, Sendable, Hashable {
        public var namespaces: RouteNamespaces?
        public var kinds: [RouteGroupKind]?

        public init(namespaces: RouteNamespaces? = nil, kinds: [RouteGroupKind]? = nil) {
            self.namespaces = namespaces
            self.kinds = kinds
        }

        static let routeKinds = ["HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute"]

        func validate(_ v: inout Validator) {
            v.at("namespaces", namespaces) { v, n in
                if n.from == .selector {
                    v.required(n.selector, "selector")
                } else if n.selector != nil {
                    v.error("selector is only used when from is Selector", at: "selector")
                }
                v.selector(n.selector, at: "selector")
            }
            v.each("kinds", kinds) { v, k in
                v.referencedKind(group: k.group, kind: k.kind, allowed: Self.routeKinds.map { (GatewayAPI.group, $0) },
                                 defaultGroup: GatewayAPI.group, defaultKind: nil)
            }
        }
    }

    public struct RouteNamespaces: Codable, Sendable, Hashable {
        public var from: FromNamespaces?
        public var selector: LabelSelector?

        public init(from: FromNamespaces? = nil, selector: LabelSelector? = nil) {
            self.from = from
            self.selector = selector
        }
    }

    public struct RouteGroupKind: Codable, Sendable, Hashable {
        public var group: String?
        public var kind: String?

        public init(group: String? = nil, kind: String) {
            self.group = group
            self.kind = kind
        }
    }
}
