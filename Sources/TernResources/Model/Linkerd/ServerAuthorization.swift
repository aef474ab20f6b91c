/// Linkerd ServerAuthorization (v1beta1): the older way to allow clients to Servers, by mesh
/// identity, service account or network. AuthorizationPolicy supersedes it.
extension Linkerd {
    public struct ServerAuthorization: KubeResource {
        public static let group = Linkerd.policyGroup
        public static let kind = "ServerAuthorization"
        public static let versions = ["v1beta1"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var server: ServerRef?
            public var client: Client?

            public init(server: ServerRef, client: Client) {
                self.server = server
                self.client = client
            }
        }

        /// The Servers authorized: one by name, or all matching a selector.
        public struct ServerRef: Codable, Sendable, Hashable {
            public var name: String?
            public var selector: LabelSelector?

            public init(name: String? = nil, selector: LabelSelector? = nil) {
                self.name = name
                self.selector = selector
            }
        }

        public struct Client: Codable, Sendable, Hashable {
            public var meshTLS: MeshTLS?
            public var networks: [Network]?
            public var unauthenticated: Bool?

            public init(meshTLS: MeshTLS? = nil, networks: [Network]? = nil, unauthenticated: Bool? = nil) {
                self.meshTLS = meshTLS
                self.networks = networks
                self.unauthenticated = unauthenticated
            }
        }

        public struct MeshTLS: Codable, Sendable, Hashable {
            public var identities: [String]?
            public var serviceAccounts: [ServiceAccountRef]?
            /// Allows TLS clients without a mesh identity (e.g. the ingress' own TLS).
            public var unauthenticatedTLS: Bool?

            public init(identities: [String]? = nil, serviceAccounts: [ServiceAccountRef]? = nil, unauthenticatedTLS: Bool? = nil) {
                self.identities = identities
                self.serviceAccounts = serviceAccounts
                self.unauthenticatedTLS = unauthenticatedTLS
            }
        }

        public struct ServiceAccountRef: Codable, Sendable, Hashable {
            public var name: String?
            public var namespace: String?

            public init(name: String, namespace: String? = nil) {
                self.name = name
                self.namespace = namespace
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
            v.at("spec") { v in
                if let server = v.required(spec.server, "server") {
                    v.at("server") { v in
                        if (server.name == nil) == (server.selector == nil) { v.error("set exactly one of name or selector") }
                        v.objectName(server.name, at: "name")
                        v.selector(server.selector, at: "selector")
                    }
                }
                guard let client = v.required(spec.client, "client") else { return }
                v.at("client") { v in
                    let unauthenticated = client.unauthenticated ?? false
                    if unauthenticated, client.meshTLS != nil {
                        v.error("meshTLS cannot be combined with unauthenticated: true", at: "meshTLS")
                    } else if !unauthenticated, client.meshTLS == nil {
                        v.error("set meshTLS, or unauthenticated: true to allow clients without mesh identity")
                    }
                    v.networks(client.networks, at: "networks")
                    v.at("meshTLS", client.meshTLS) { v, m in
                        let named = !(m.identities ?? []).isEmpty || !(m.serviceAccounts ?? []).isEmpty
                        if m.unauthenticatedTLS == true, named {
                            v.error("unauthenticatedTLS cannot be combined with identities or serviceAccounts", at: "unauthenticatedTLS")
                        }
                        v.each("identities", m.identities) { v, id in v.meshIdentity(id, at: nil) }
                        v.each("serviceAccounts", m.serviceAccounts) { v, sa in
                            v.objectName(v.required(sa.name, "name"), at: "name")
                            v.namespaceName(sa.namespace, at: "namespace")
                        }
                    }
                }
            }
        }
    }
}
