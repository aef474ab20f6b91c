import TernCore

/// Linkerd ServiceProfile (`linkerd.io`): named routes of a service with per-route metrics,
/// retryability and timeouts, a retry budget, and traffic-split overrides.
extension Linkerd {
    public struct ServiceProfile: KubeResource {
        public static let group = "linkerd.io"
        public static let kind = "ServiceProfile"
        public static let versions = ["v1alpha2", "v1alpha1"]

        public var apiVersion: String
        public var kind: String
        public var metadata: ObjectMeta
        public var spec: Spec?

        public struct Spec: Codable, Sendable, Hashable {
            public var routes: [Route]?
            public var retryBudget: RetryBudget?
            public var dstOverrides: [WeightedDestination]?
            public var opaquePorts: [Int]?

            public init(routes: [Route]? = nil, retryBudget: RetryBudget? = nil, dstOverrides: [WeightedDestination]? = nil, opaquePorts: [Int]? = nil) {
                self.routes = routes
                self.retryBudget = retryBudget
                self.dstOverrides = dstOverrides
                self.opaquePorts = opaquePorts
            }
        }

        public struct Route: Codable, Sendable, Hashable {
            public var name: String?
            /// Linkerd requires a condition; seed 002 writes routes without one, which Tern
            /// reads as matching every request.
            public var condition: RequestMatch?
            public var responseClasses: [ResponseClass]?
            public var isRetryable: Bool?
            public var timeout: String?
            /// Not in Linkerd's schema (which drops it): seed 002 writes the budget under a
            /// route, and Tern applies such a budget to the whole profile.
            public var retryBudget: RetryBudget?

            public init(name: String, condition: RequestMatch? = nil, responseClasses: [ResponseClass]? = nil, isRetryable: Bool? = nil,
                        timeout: String? = nil, retryBudget: RetryBudget? = nil) {
                self.name = name
                self.condition = condition
                self.responseClasses = responseClasses
                self.isRetryable = isRetryable
                self.timeout = timeout
                self.retryBudget = retryBudget
            }
        }

        /// Classifies responses; the first class whose condition matches decides failure.
        public struct ResponseClass: Codable, Sendable, Hashable {
            public var condition: ResponseMatch?
            public var isFailure: Bool?

            public init(condition: ResponseMatch, isFailure: Bool? = nil) {
                self.condition = condition
                self.isFailure = isFailure
            }
        }

        /// Bounds retries to a share of requests, with a floor, over a time window. Linkerd
        /// requires every field but `maxRetriesPerSecond` (a cap seed 002 uses, Tern-only);
        /// Tern fills gaps with Linkerd's defaults (0.2, 10/s, 10s).
        public struct RetryBudget: Codable, Sendable, Hashable {
            public var retryRatio: Double?
            public var minRetriesPerSecond: Int?
            public var maxRetriesPerSecond: Int?
            public var ttl: String?

            public init(retryRatio: Double? = nil, minRetriesPerSecond: Int? = nil, maxRetriesPerSecond: Int? = nil, ttl: String? = nil) {
                self.retryRatio = retryRatio
                self.minRetriesPerSecond = minRetriesPerSecond
                self.maxRetriesPerSecond = maxRetriesPerSecond
                self.ttl = ttl
            }

            func validate(_ v: inout Validator) {
                if let ratio = retryRatio, !(ratio >= 0) {
                    v.error("retryRatio must be 0 or more, got \(ratio)", at: "retryRatio")
                }
                for (key, value) in [("minRetriesPerSecond", minRetriesPerSecond), ("maxRetriesPerSecond", maxRetriesPerSecond)] {
                    if let value, value < 0 { v.error("\(key) must be 0 or more, got \(value)", at: key) }
                }
                if let lo = minRetriesPerSecond, let hi = maxRetriesPerSecond, lo >= 0, hi >= 0, hi < lo {
                    v.error("maxRetriesPerSecond (\(hi)) must not be less than minRetriesPerSecond (\(lo))", at: "maxRetriesPerSecond")
                }
                if let d = v.duration(ttl, at: "ttl"), d.nanoseconds <= 0 {
                    v.error("ttl must be longer than 0s, got \"\(ttl!)\"", at: "ttl")
                }
            }
        }

        /// Sends a share of the service's traffic to another authority.
        public struct WeightedDestination: Codable, Sendable, Hashable {
            public var authority: String?
            public var weight: Quantity?

            public init(authority: String, weight: Quantity) {
                self.authority = authority
                self.weight = weight
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
                var names: Set<String> = []
                v.each("routes", spec.routes) { v, route in
                    route.validate(&v)
                    if let name = route.name, !names.insert(name).inserted {
                        v.error("route name \"\(name)\" is used twice", at: "name")
                    }
                }
                v.at("retryBudget", spec.retryBudget) { v, b in b.validate(&v) }
                v.each("dstOverrides", spec.dstOverrides) { v, d in
                    if let authority = v.required(d.authority, "authority"), !Self.isAuthority(authority) {
                        v.error("expected an authority such as \"web.faces.svc.cluster.local:80\", got \"\(authority)\"", at: "authority")
                    }
                    v.required(d.weight, "weight")
                    v.quantityWeight(d.weight, at: "weight")
                }
                v.each("opaquePorts", spec.opaquePorts) { v, p in
                    if !(1...65535).contains(p) { v.error("expected a port number from 1 to 65535, got \(p)") }
                }
            }
        }

        /// `host` or `host:port`: a DNS name, an IPv4 address, or a bracketed IPv6 address.
        static func isAuthority(_ s: String) -> Bool {
            var host = Substring(s)
            var port: Substring?
            if s.hasPrefix("[") {
                guard let close = s.firstIndex(of: "]") else { return false }
                host = s[s.index(after: s.startIndex)..<close]
                let rest = s[s.index(after: close)...]
                if !rest.isEmpty {
                    guard rest.hasPrefix(":") else { return false }
                    port = rest.dropFirst()
                }
                guard let ip = IPAddress(parsing: String(host)), !ip.isIPv4 else { return false }
            } else if let colon = s.lastIndex(of: ":") {
                host = s[..<colon]
                port = s[s.index(after: colon)...]
            }
            if let port {
                guard let n = Int(port), (1...65535).contains(n) else { return false }
            }
            if s.hasPrefix("[") || IPAddress(parsing: String(host)) != nil { return true }
            return KubernetesNames.isDNSSubdomain(String(host.hasSuffix(".") ? host.dropLast() : host))
        }
    }
}

extension Linkerd.ServiceProfile.Route {
    func validate(_ v: inout Validator) {
        v.required(name, "name")
        if name?.isEmpty == true { v.error("must not be empty", at: "name") }
        v.at("condition", condition) { v, c in c.validate(&v) }
        v.each("responseClasses", responseClasses) { v, rc in
            v.at("condition", v.required(rc.condition, "condition")) { v, c in c.validate(&v) }
        }
        v.duration(timeout, at: "timeout")
        v.at("retryBudget", retryBudget) { v, b in b.validate(&v) }
    }
}
