/// Linkerd HTTPLocalRateLimitPolicy: per-proxy request rate limits for a Server, overall, per
/// client identity, and overridden for named clients.
extension Linkerd {
    public struct HTTPLocalRateLimitPolicy: KubeResource {
        public static let group = Linkerd.policyGroup
        public static let kind = "HTTPLocalRateLimitPolicy"
        public static let versions = ["v1alpha1"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var targetRef: LocalTargetRef?
            public var total: Limit?
            public var identity: Limit?
            public var overrides: [Override]?

            public init(targetRef: LocalTargetRef, total: Limit? = nil, identity: Limit? = nil, overrides: [Override]? = nil) {
                self.targetRef = targetRef
                self.total = total
                self.identity = identity
                self.overrides = overrides
            }
        }

        public struct Limit: Codable, Sendable, Hashable {
            public var requestsPerSecond: Int?

            public init(requestsPerSecond: Int) { self.requestsPerSecond = requestsPerSecond }
        }

        public struct Override: Codable, Sendable, Hashable {
            public var requestsPerSecond: Int?
            public var clientRefs: [NamespacedTargetRef]?

            public init(requestsPerSecond: Int, clientRefs: [NamespacedTargetRef]) {
                self.requestsPerSecond = requestsPerSecond
                self.clientRefs = clientRefs
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
                if let target = v.required(spec.targetRef, "targetRef") {
                    v.at("targetRef") { v in
                        v.referencedKind(group: target.group, kind: target.kind, allowed: [(Linkerd.policyGroup, "Server")], defaultGroup: "", defaultKind: nil)
                        v.objectName(v.required(target.name, "name"), at: "name")
                    }
                }
                let total = spec.total?.requestsPerSecond
                // A narrower limit above the total could never be reached.
                func rate(_ v: inout Validator, _ rps: Int?, what: String) {
                    guard let rps = v.required(rps, "requestsPerSecond") else { return }
                    if rps < 0 {
                        v.error("requestsPerSecond must be 0 or more, got \(rps)", at: "requestsPerSecond")
                    } else if let total, what != "total", rps > total {
                        v.error("\(what) requestsPerSecond (\(rps)) must not exceed total.requestsPerSecond (\(total))", at: "requestsPerSecond")
                    }
                }
                v.at("total", spec.total) { v, l in rate(&v, l.requestsPerSecond, what: "total") }
                v.at("identity", spec.identity) { v, l in rate(&v, l.requestsPerSecond, what: "identity") }
                v.each("overrides", spec.overrides) { v, o in
                    rate(&v, o.requestsPerSecond, what: "an override's")
                    v.nonEmpty(o.clientRefs, "clientRefs")
                    v.each("clientRefs", o.clientRefs) { v, ref in
                        v.referencedKind(group: ref.group, kind: ref.kind, allowed: [("", "ServiceAccount")], defaultGroup: "", defaultKind: nil)
                        v.objectName(v.required(ref.name, "name"), at: "name")
                        v.namespaceName(ref.namespace, at: "namespace")
                    }
                }
            }
        }
    }
}
