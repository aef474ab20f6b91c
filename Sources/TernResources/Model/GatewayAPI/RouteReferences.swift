import TernCore

extension GatewayAPI {
    /// The object a route attaches to: a Gateway (ingress), a Service (mesh, GAMMA), a Linkerd
    /// Server or EgressNetwork.
    public struct ParentReference: Codable, Sendable, Hashable {
        public var group: String?
        public var kind: String?
        public var namespace: String?
        public var name: String?
        public var sectionName: String?
        public var port: Int?

        public init(group: String? = nil, kind: String? = nil, namespace: String? = nil, name: String, sectionName: String? = nil, port: Int? = nil) {
            self.group = group
            self.kind = kind
            self.namespace = namespace
            self.name = name
            self.sectionName = sectionName
            self.port = port
        }

        /// A parent Service in the core group (`""` or Linkerd's `"core"`).
        public var isService: Bool { kind == "Service" && (group == "" || group == "core") }

        func validate(_ v: inout Validator, allowed: [(group: String, kind: String)], defaultGroup: String) {
            v.referencedKind(group: group, kind: kind, allowed: allowed, defaultGroup: defaultGroup, defaultKind: "Gateway")
            v.objectName(v.required(name, "name"), at: "name")
            v.namespaceName(namespace, at: "namespace")
            if let s = sectionName, !KubernetesNames.isDNSSubdomain(s) {
                v.error("\"\(s)\" is not a valid section name (lowercase letters, digits, '-' and '.')", at: "sectionName")
            }
            v.portNumber(port, at: "port")
        }
    }

    /// Where a route sends traffic, with its share of it.
    public struct BackendRef: Codable, Sendable, Hashable {
        public var group: String?
        public var kind: String?
        public var namespace: String?
        public var name: String?
        public var port: Int?
        public var weight: Int?
        /// Filters applied only on the way to this backend (HTTP and gRPC routes).
        public var filters: [HTTPRouteFilter]?

        public init(group: String? = nil, kind: String? = nil, namespace: String? = nil, name: String, port: Int? = nil, weight: Int? = nil, filters: [HTTPRouteFilter]? = nil) {
            self.group = group
            self.kind = kind
            self.namespace = namespace
            self.name = name
            self.port = port
            self.weight = weight
            self.filters = filters
        }

        /// The weight after Gateway API's default of 1.
        public var effectiveWeight: Int { weight ?? 1 }

        /// The backend kinds Tern routes to: Services, and Linkerd EgressNetworks.
        static let allowedKinds: [(group: String, kind: String)] = [("", "Service"), ("policy.linkerd.io", "EgressNetwork")]

        /// Gateway API caps a backend weight at one million.
        static let maxWeight = 1_000_000

        func validate(_ v: inout Validator) {
            v.referencedKind(group: group, kind: kind, allowed: Self.allowedKinds, defaultGroup: "", defaultKind: "Service")
            v.objectName(v.required(name, "name"), at: "name")
            v.namespaceName(namespace, at: "namespace")
            v.portNumber(port, at: "port")
            v.weight(weight, at: "weight")
            if let w = weight, w > Self.maxWeight {
                v.error("weight must be at most \(Self.maxWeight), got \(w)", at: "weight")
            }
        }
    }

    /// A reference to an object by group, kind, name and optional namespace and port (mirror
    /// targets, TLS certificates).
    public struct BackendObjectReference: Codable, Sendable, Hashable {
        public var group: String?
        public var kind: String?
        public var namespace: String?
        public var name: String?
        public var port: Int?

        public init(group: String? = nil, kind: String? = nil, namespace: String? = nil, name: String, port: Int? = nil) {
            self.group = group
            self.kind = kind
            self.namespace = namespace
            self.name = name
            self.port = port
        }
    }

    /// A same-namespace reference by group, kind and name (filter extensions).
    public struct LocalObjectReference: Codable, Sendable, Hashable {
        public var group: String?
        public var kind: String?
        public var name: String?

        public init(group: String, kind: String, name: String) {
            self.group = group
            self.kind = kind
            self.name = name
        }
    }
}

extension Validator {
    /// Validates a route's parent references: kinds, names and no parent listed twice.
    mutating func parentRefs(_ refs: [GatewayAPI.ParentReference]?, allowed: [(group: String, kind: String)], defaultGroup: String) {
        var seen: Set<GatewayAPI.ParentReference> = []
        each("parentRefs", refs) { v, ref in
            ref.validate(&v, allowed: allowed, defaultGroup: defaultGroup)
            if !seen.insert(ref).inserted {
                v.error("parent \"\(ref.name ?? "")\" is listed twice; each parent (and section or port) may appear once")
            }
        }
    }
}
