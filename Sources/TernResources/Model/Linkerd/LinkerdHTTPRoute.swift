/// Linkerd's own HTTPRoute (`policy.linkerd.io`): the Gateway API shape, attached to a Server
/// (inbound, per-route authorization) or a Service / EgressNetwork (outbound).
extension Linkerd {
    public struct HTTPRoute: KubeResource {
        public static let group = Linkerd.policyGroup
        public static let kind = "HTTPRoute"
        public static let versions = ["v1beta3", "v1beta2", "v1beta1", "v1alpha1"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: GatewayAPI.HTTPRouteSpec?

        public init(metadata: ObjectMeta, spec: GatewayAPI.HTTPRouteSpec, apiVersion: String = Self.preferredAPIVersion) {
            self.apiVersion = apiVersion
            self.kind = Self.kind
            self.metadata = metadata
            self.spec = spec
        }

        static let parentKinds: [(group: String, kind: String)] = [
            (Linkerd.policyGroup, "Server"), ("", "Service"), (Linkerd.policyGroup, "EgressNetwork"),
        ]

        /// The filters Linkerd's CRD accepts; rewrites and mirrors need Gateway API's HTTPRoute.
        static let filterTypes: [GatewayAPI.HTTPRouteFilterType] = [.requestHeaderModifier, .responseHeaderModifier, .requestRedirect]

        public func validate(_ v: inout Validator) {
            // Tern's fault injection rides on route annotations (docs/fault-injection.md).
            v.faultAnnotations(metadata.annotations)
            guard let spec = v.required(spec, "spec") else { return }
            v.at("spec") { v in
                // Linkerd's CRD defaults a parent's group to policy.linkerd.io.
                spec.validate(&v, parentKinds: Self.parentKinds, parentGroup: Linkerd.policyGroup)
                let supported = Self.filterTypes.map(\.rawValue).joined(separator: ", ")
                v.each("rules", spec.rules) { v, rule in
                    v.each("filters", rule.filters) { v, f in
                        if let t = f.type, !Self.filterTypes.contains(t) {
                            v.error("policy.linkerd.io HTTPRoute does not support \(t.rawValue) filters (expected one of: \(supported)); use a gateway.networking.k8s.io HTTPRoute", at: "type")
                        }
                    }
                }
            }
        }
    }
}
