/// Linkerd AuthorizationPolicy: allows traffic to a target (Server, route or whole namespace)
/// from clients that satisfy every referenced authentication.
extension Linkerd {
    public struct AuthorizationPolicy: KubeResource {
        public static let group = Linkerd.policyGroup
        public static let kind = "AuthorizationPolicy"
        public static let versions = ["v1beta1", "v1alpha1"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var targetRef: LocalTargetRef?
            /// All must be satisfied; an empty list requires no authentication.
            public var requiredAuthenticationRefs: [NamespacedTargetRef]?

            public init(targetRef: LocalTargetRef, requiredAuthenticationRefs: [NamespacedTargetRef]) {
                self.targetRef = targetRef
                self.requiredAuthenticationRefs = requiredAuthenticationRefs
            }
        }

        public init(metadata: ObjectMeta, spec: Spec, apiVersion: String = Self.preferredAPIVersion) {
            self.apiVersion = apiVersion
            self.kind = Self.kind
            self.metadata = metadata
            self.spec = spec
        }

        static let targetKinds: [(group: String, kind: String)] = [
            (Linkerd.policyGroup, "Server"), (Linkerd.policyGroup, "HTTPRoute"),
            (GatewayAPI.group, "HTTPRoute"), (GatewayAPI.group, "GRPCRoute"), ("", "Namespace"),
        ]

        static let authenticationKinds: [(group: String, kind: String)] = [
            (Linkerd.policyGroup, "MeshTLSAuthentication"), (Linkerd.policyGroup, "NetworkAuthentication"), ("", "ServiceAccount"),
        ]

        public func validate(_ v: inout Validator) {
            guard let spec = v.required(spec, "spec") else { return }
            let ownNamespace = namespace
            v.at("spec") { v in
                if let target = v.required(spec.targetRef, "targetRef") {
                    v.at("targetRef") { v in
                        v.referencedKind(group: target.group, kind: target.kind, allowed: Self.targetKinds, defaultGroup: "", defaultKind: nil)
                        v.objectName(v.required(target.name, "name"), at: "name")
                        // A policy can only open up its own namespace.
                        if target.kind == "Namespace", let name = target.name, name != ownNamespace {
                            v.error("a policy in namespace \"\(ownNamespace)\" can only target its own Namespace, got \"\(name)\"", at: "name")
                        }
                    }
                }
                guard let refs = v.required(spec.requiredAuthenticationRefs, "requiredAuthenticationRefs") else { return }
                if refs.isEmpty {
                    // Linkerd reads an empty list as "no requirement" (everyone); seed 002 and
                    // most readers take it as deny-all. Tern fails closed and says so.
                    v.warning("an empty list authorizes no client in Tern (Linkerd would authorize every client); to allow everyone, reference a NetworkAuthentication for 0.0.0.0/0 and ::/0", at: "requiredAuthenticationRefs")
                }
                var seen: Set<String> = []
                v.each("requiredAuthenticationRefs", refs) { v, ref in
                    v.referencedKind(group: ref.group, kind: ref.kind, allowed: Self.authenticationKinds, defaultGroup: "", defaultKind: nil)
                    v.objectName(v.required(ref.name, "name"), at: "name")
                    v.namespaceName(ref.namespace, at: "namespace")
                    guard let kind = ref.kind else { return }
                    // Linkerd's admission rules: one authentication of each sort, and the client
                    // identity given by MeshTLSAuthentication or ServiceAccount, not both.
                    let identityKinds: Set = ["MeshTLSAuthentication", "ServiceAccount"]
                    if !seen.insert(kind).inserted {
                        v.error("only one \(kind) may be referenced", at: "kind")
                    } else if identityKinds.contains(kind), seen.isSuperset(of: identityKinds) {
                        v.error("a MeshTLSAuthentication and a ServiceAccount cannot be referenced together", at: "kind")
                    }
                }
            }
        }
    }
}
