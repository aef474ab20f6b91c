/// Istio's configuration API, read so `tern migrate istio` can translate it. Istio serves the
/// same schema at several versions (v1alpha3, v1beta1, v1), so every model accepts all of them.
/// Fields are modelled as far as the migration reads them, including the ones it can only
/// report as findings; anything else in an object is kept in `DecodedObject.raw`.
public enum Istio {
    /// Versions of `networking.istio.io` Tern reads; the schema is identical across them.
    public static let networkingVersions = ["v1", "v1beta1", "v1alpha3"]
    /// Versions of `security.istio.io` Tern reads.
    public static let securityVersions = ["v1", "v1beta1"]

    public static let networkingGroup = "networking.istio.io"
    public static let securityGroup = "security.istio.io"
}

extension Istio {
    /// Istio's string matcher: exactly one of `exact`, `prefix` or `regex` (RE2 syntax).
    public struct StringMatch: Codable, Sendable, Hashable {
        public var exact: String?
        public var prefix: String?
        public var regex: String?

        public init(exact: String? = nil, prefix: String? = nil, regex: String? = nil) {
            self.exact = exact
            self.prefix = prefix
            self.regex = regex
        }

        /// How many of the alternatives are set; Istio requires exactly one.
        var setCount: Int { [exact, prefix, regex].compactMap { $0 }.count }

        func validate(_ v: inout Validator, allowEmpty: Bool = false) {
            if setCount > 1 {
                v.error("set exactly one of exact, prefix or regex")
            } else if setCount == 0 && !allowEmpty {
                v.error("set one of exact, prefix or regex")
            }
            v.regex(regex, at: "regex")
        }
    }

    /// A percentage given as `percentage: {value: 12.5}` (0–100, fractional allowed).
    public struct Percent: Codable, Sendable, Hashable {
        public var value: Double?

        public init(value: Double) { self.value = value }

        func validate(_ v: inout Validator) {
            if let value, !(0...100).contains(value) {
                v.error("a percentage must be from 0 to 100, got \(value)", at: "value")
            }
        }
    }

    /// A port chosen by number (`port: {number: 9080}`).
    public struct PortSelector: Codable, Sendable, Hashable {
        public var number: Int?

        public init(number: Int) { self.number = number }
    }

    /// `selector: {matchLabels: {...}}` as the security APIs and Sidecar write it.
    public struct WorkloadSelector: Codable, Sendable, Hashable {
        public var matchLabels: [String: String]?

        public init(matchLabels: [String: String]) { self.matchLabels = matchLabels }
    }

    /// A policy attachment reference (Istio ≥ 1.22 `targetRef`/`targetRefs`).
    public struct PolicyTargetReference: Codable, Sendable, Hashable {
        public var group: String?
        public var kind: String?
        public var name: String?
        public var namespace: String?

        public init(group: String? = nil, kind: String, name: String) {
            self.group = group
            self.kind = kind
            self.name = name
        }
    }
}

extension Validator {
    /// Istio durations are protobuf durations (`5s`, `0.5s`); Istio also accepts Go units
    /// (`100ms`, `1m`), so both parse.
    mutating func istioDuration(_ value: String?, at key: String) {
        duration(value, at: key)
    }
}
