import TernCore

/// Checks the values of the Linkerd and Tern annotations Tern acts on. A typo here would
/// otherwise silently fall back to a default (for `default-inbound-policy`, a more open one).
enum AnnotationRules {
    static let defaultPolicies = ["all-unauthenticated", "all-authenticated", "cluster-unauthenticated", "cluster-authenticated", "deny", "audit"]

    static func validate(_ annotations: [String: String], _ v: inout Validator) {
        for (key, value) in annotations.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "config.linkerd.io/default-inbound-policy":
                v.oneOf(value, defaultPolicies, at: key)
            case "linkerd.io/inject":
                v.oneOf(value, ["enabled", "disabled", "ingress"], at: key)
            case "config.linkerd.io/opaque-ports", "config.linkerd.io/skip-inbound-ports", "config.linkerd.io/skip-outbound-ports":
                if case .failure(let e) = PortSet.parse(value) { v.error("expected ports or port ranges such as \"3306,4000-4100\": \(e)", at: key) }
            case "config.linkerd.io/proxy-inbound-port", "config.linkerd.io/proxy-outbound-port", "config.linkerd.io/proxy-admin-port":
                if Int(value).map({ !(1...65535).contains($0) }) ?? true { v.error("expected a port number from 1 to 65535, got \"\(value)\"", at: key) }
            case "retry.linkerd.io/limit":
                if Int(value).map({ $0 < 0 }) ?? true { v.error("expected a whole number of retries, got \"\(value)\"", at: key) }
            case "retry.linkerd.io/timeout", "timeout.linkerd.io/request", "timeout.linkerd.io/response", "timeout.linkerd.io/idle",
                 "balancer.linkerd.io/failure-accrual-consecutive-min-penalty", "balancer.linkerd.io/failure-accrual-consecutive-max-penalty":
                v.duration(value, at: key)
            case "retry.linkerd.io/http":
                for part in RetryConditions.parts(value) where RetryConditions.statuses(part) == nil {
                    v.error("\"\(part)\" is not a retry condition: use 5xx, gateway-error, a status such as 503 or a range such as 500-504", at: key)
                }
            case "balancer.linkerd.io/failure-accrual":
                v.oneOf(value, ["consecutive"], at: key)
            case "balancer.linkerd.io/failure-accrual-consecutive-max-failures":
                if Int(value).map({ $0 < 1 }) ?? true { v.error("expected a whole number of failures (1 or more), got \"\(value)\"", at: key) }
            case "balancer.linkerd.io/failure-accrual-consecutive-jitter-ratio":
                if Double(value).map({ !(0...100).contains($0) }) ?? true { v.error("expected a ratio from 0 to 100, got \"\(value)\"", at: key) }
            default:
                break
            }
        }
    }
}
