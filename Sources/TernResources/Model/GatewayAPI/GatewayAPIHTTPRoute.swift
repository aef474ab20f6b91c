/// Gateway API HTTPRoute: HTTP routing for a Gateway listener (ingress) or, attached to a
/// Service, for mesh traffic to that Service (GAMMA) — the form Linkerd acts on.
extension GatewayAPI {
    public struct HTTPRoute: KubeResource {
        public static let group = GatewayAPI.group
        public static let kind = "HTTPRoute"
        public static let versions = ["v1", "v1beta1"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: HTTPRouteSpec?

        public init(metadata: ObjectMeta, spec: HTTPRouteSpec, apiVersion: String = Self.preferredAPIVersion) {
            self.apiVersion = apiVersion
            self.kind = Self.kind
            self.metadata = metadata
            self.spec = spec
        }

        /// Parents a Gateway API route may attach to in Tern.
        static let parentKinds: [(group: String, kind: String)] = [
            (GatewayAPI.group, "Gateway"), ("", "Service"), ("policy.linkerd.io", "EgressNetwork"),
        ]

        public func validate(_ v: inout Validator) {
            // Tern's fault injection rides on route annotations (docs/fault-injection.md).
            v.faultAnnotations(metadata.annotations)
            v.at("spec", v.required(spec, "spec")) { v, spec in
                spec.validate(&v, parentKinds: Self.parentKinds, parentGroup: GatewayAPI.group)
            }
        }
    }
}
