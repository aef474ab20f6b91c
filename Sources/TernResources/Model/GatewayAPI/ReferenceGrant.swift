/// Gateway API ReferenceGrant: lets objects in other namespaces refer to objects in this one
/// (a route in `faces` sending to a Service in `backend` needs a grant in `backend`).
extension GatewayAPI {
    public struct ReferenceGrant: KubeResource {
        public static let group = GatewayAPI.group
        public static let kind = "ReferenceGrant"
        public static let versions = ["v1beta1", "v1alpha2"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: ReferenceGrantSpec?

        public init(metadata: ObjectMeta, spec: ReferenceGrantSpec, apiVersion: String = Self.preferredAPIVersion) {
            self.apiVersion = apiVersion
            self.kind = Self.kind
            self.metadata = metadata
            self.spec = spec
        }

        public func validate(_ v: inout Validator) {
            guard let spec = v.required(spec, "spec") else { return }
            v.at("spec") { v in
                v.nonEmpty(spec.from, "from")
                v.each("from", spec.from) { v, f in
                    v.required(f.group, "group")
                    v.required(f.kind, "kind")
                    v.namespaceName(v.required(f.namespace, "namespace"), at: "namespace")
                }
                v.nonEmpty(spec.to, "to")
                v.each("to", spec.to) { v, t in
                    v.required(t.group, "group")
                    v.required(t.kind, "kind")
                    v.objectName(t.name, at: "name")
                }
            }
        }
    }

    public struct ReferenceGrantSpec: Codable, Sendable, Hashable {
        public var from: [ReferenceGrantFrom]?
        public var to: [ReferenceGrantTo]?

        public init(from: [ReferenceGrantFrom], to: [ReferenceGrantTo]) {
            self.from = from
            self.to = to
        }
    }

    /// Who may refer: a kind in a namespace. `group` is `""` for the core group.
    public struct ReferenceGrantFrom: Codable, Sendable, Hashable {
        public var group: String?
        public var kind: String?
        public var namespace: String?

        public init(group: String, kind: String, namespace: String) {
            self.group = group
            self.kind = kind
            self.namespace = namespace
        }
    }

    /// What may be referred to: a kind, optionally one object by name.
    public struct ReferenceGrantTo: Codable, Sendable, Hashable {
        public var group: String?
        public var kind: String?
        public var name: String?

        public init(group: String, kind: String, name: String? = nil) {
            self.group = group
            self.kind = kind
            self.name = name
        }
    }
}
