import TernCore
import TernPolicy
import TernResources

/// Linkerd's per-route and per-service annotations for retries, timeouts and failure accrual,
/// and Tern's fault injection. A route's own annotations win over its Service's.
enum RouteAnnotations {
    static let retryHTTP = "retry.linkerd.io/http"
    static let retryGRPC = "retry.linkerd.io/grpc"
    static let retryLimit = "retry.linkerd.io/limit"
    static let retryTimeout = "retry.linkerd.io/timeout"
    static let timeoutRequest = "timeout.linkerd.io/request"
    static let timeoutResponse = "timeout.linkerd.io/response"
    static let accrual = "balancer.linkerd.io/failure-accrual"
    static let accrualMax = "balancer.linkerd.io/failure-accrual-consecutive-max-failures"
    static let accrualMinPenalty = "balancer.linkerd.io/failure-accrual-consecutive-min-penalty"
    static let accrualMaxPenalty = "balancer.linkerd.io/failure-accrual-consecutive-max-penalty"
    static let accrualJitter = "balancer.linkerd.io/failure-accrual-consecutive-jitter-ratio"

    /// Looks a key up on the route first, then on the service.
    struct Layered {
        let route: [String: String]
        let service: [String: String]
        subscript(key: String) -> String? { route[key] ?? service[key] }
    }

    static func retry(_ a: Layered) -> RetryPolicy? {
        let http = a[retryHTTP], grpc = a[retryGRPC]
        guard http != nil || grpc != nil else { return nil }
        let statuses = RetryConditions.parts(http?.lowercased() ?? "").compactMap(RetryConditions.statuses)
            .map { StatusRange(min: $0.lowerBound, max: $0.upperBound) }
        let codes = (grpc ?? "").split(separator: ",").map { String($0.withoutSurroundingSpaces) }.filter { !$0.isEmpty }
        return RetryPolicy(limit: a[retryLimit].flatMap(Int.init) ?? 1,
                           timeout: a[retryTimeout].flatMap { try? GoDuration(parsing: $0) },
                           statuses: statuses, grpcCodes: codes)
    }

    static func timeouts(_ a: Layered, rule: RouteTimeouts) -> RouteTimeouts {
        RouteTimeouts(request: rule.request ?? a[timeoutRequest].flatMap { try? GoDuration(parsing: $0) },
                      backendRequest: rule.backendRequest ?? a[timeoutResponse].flatMap { try? GoDuration(parsing: $0) })
    }

    static func failureAccrual(_ service: [String: String]) -> FailureAccrual? {
        guard service[accrual] == "consecutive" else { return nil }
        var fa = FailureAccrual()
        if let n = service[accrualMax].flatMap(Int.init), n > 0 { fa.consecutiveFailures = n }
        if let d = service[accrualMinPenalty].flatMap({ try? GoDuration(parsing: $0) }) { fa.minPenalty = d }
        if let d = service[accrualMaxPenalty].flatMap({ try? GoDuration(parsing: $0) }) { fa.maxPenalty = d }
        if let r = service[accrualJitter].flatMap(Double.init), (0...100).contains(r) { fa.jitterRatio = r }
        return fa
    }

    /// Fault injection from `fault.tern.io/*` on the route (never inherited from the service:
    /// a fault is a property of a route under test).
    static func fault(_ route: [String: String]) -> TernPolicy.FaultInjection? {
        let parsed = TernResources.FaultInjection.parse(route).fault
        guard !parsed.isEmpty else { return nil }
        return TernPolicy.FaultInjection(delay: parsed.delay, delayPercent: parsed.delayPercent,
                                         abortStatus: parsed.abortHTTPStatus, abortGRPCStatus: parsed.abortGRPCStatus,
                                         abortPercent: parsed.abortPercent)
    }
}
