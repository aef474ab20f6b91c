import TernCore

/// A Kubernetes label selector (`matchLabels` + `matchExpressions`).
public struct LabelSelector: Codable, Sendable, Hashable {
    public var matchLabels: [String: String]?
    public var matchExpressions: [Requirement]?

    public struct Requirement: Codable, Sendable, Hashable {
        public var key: String?
        public var `operator`: Operator?
        public var values: [String]?

        public init(key: String, operator: Operator, values: [String]? = nil) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }
    }

    public enum Operator: String, ClosedSetValue {
        case `in` = "In"
        case notIn = "NotIn"
        case exists = "Exists"
        case doesNotExist = "DoesNotExist"
    }

    public init(matchLabels: [String: String]? = nil, matchExpressions: [Requirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// An empty selector selects everything, as in Kubernetes.
    public func matches(_ labels: [String: String]) -> Bool {
        for (k, v) in matchLabels ?? [:] where labels[k] != v { return false }
        for r in matchExpressions ?? [] {
            guard let key = r.key, let op = r.operator else { return false }
            let value = labels[key]
            switch op {
            case .in: guard let value, (r.values ?? []).contains(value) else { return false }
            case .notIn: if let value, (r.values ?? []).contains(value) { return false }
            case .exists: if value == nil { return false }
            case .doesNotExist: if value != nil { return false }
            }
        }
        return true
    }

    func validate(_ v: inout Validator) {
        v.labels(matchLabels, at: "matchLabels")
        v.each("matchExpressions", matchExpressions) { v, r in
            guard let key = v.required(r.key, "key"), v.required(r.operator, "operator") != nil else { return }
            if !KubernetesNames.isQualifiedName(key) {
                v.error("\"\(key)\" is not a valid label key", at: "key")
            }
            switch r.operator {
            case .in?, .notIn?:
                if (r.values ?? []).isEmpty { v.error("values must not be empty for operator \(r.operator!.rawValue)", at: "values") }
            case .exists?, .doesNotExist?:
                if !(r.values ?? []).isEmpty { v.error("values must be empty for operator \(r.operator!.rawValue)", at: "values") }
            case nil: break
            }
        }
    }
}
