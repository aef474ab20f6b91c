import TernCore

/// Linkerd MeshTLSAuthentication: a set of mesh identities, by pattern or by ServiceAccount /
/// Namespace reference.
extension Linkerd {
    public struct MeshTLSAuthentication: KubeResource {
        public static let group = Linkerd.policyGroup
        public static let kind = "MeshTLSAuthentication"
        public static let versions = ["v1beta1", "v1alpha1"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var identities: [String]?
            public var identityRefs: [NamespacedTargetRef]?

            public init(identities: [String]? = nil, identityRefs: [NamespacedTargetRef]? = nil) {
                self.identities = identities
                self.identityRefs = identityRefs
            }
        }

        public init(metadata: ObjectMeta, spec: Spec, apiVersion: String = Self.preferredAPIVersion) {
            self.apiVersion = apiVersion
            self.kind = Self.kind
            self.metadata = metadata
            self.spec = spec
        }

        static let identityRefKinds: [(group: String, kind: String)] = [("", "ServiceAccount"), ("", "Namespace")]

        public func validate(_ v: inout Validator) {
            guard let spec = v.required(spec, "spec") else { return }
            v.at("spec") { v in
                switch (spec.identities, spec.identityRefs) {
                case (nil, nil): v.error("set exactly one of identities or identityRefs")
                case (_?, _?): v.error("set only one of identities or identityRefs", at: "identityRefs")
                case (let ids?, nil): v.nonEmpty(ids, "identities")
                case (nil, let refs?): v.nonEmpty(refs, "identityRefs")
                }
                v.each("identities", spec.identities) { v, id in v.meshIdentity(id, at: nil) }
                v.each("identityRefs", spec.identityRefs) { v, ref in
                    v.referencedKind(group: ref.group, kind: ref.kind, allowed: Self.identityRefKinds, defaultGroup: "", defaultKind: nil)
                    guard let name = v.required(ref.name, "name") else { return }
                    switch ref.kind {
                    case "ServiceAccount":
                        // `*` means every service account (in `namespace`, or anywhere).
                        if name != "*" { v.objectName(name, at: "name") }
                        v.namespaceName(ref.namespace, at: "namespace")
                    case "Namespace":
                        v.namespaceName(name, at: "name")
                    default: break
                    }
                }
            }
        }
    }

    /// Linkerd NetworkAuthentication: client IP networks, each with optional exceptions.
    public struct NetworkAuthentication: KubeResource {
        public static let group = Linkerd.policyGroup
        public static let kind = "NetworkAuthentication"
        public static let versions = ["v1beta1", "v1alpha1"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var networks: [Network]?

            public init(networks: [Network]) { self.networks = networks }
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
                v.nonEmpty(spec.networks, "networks")
                v.networks(spec.networks, at: "networks")
            }
        }
    }
}
