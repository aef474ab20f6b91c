import TernCore
import TernResources

/// Per-rule policies that Tern attaches to a whole route as annotations: retries
/// (`retry.linkerd.io/*`) and faults (`fault.tern.io/*`, docs/fault-injection.md).
extension TranslationContext {
    /// Envoy `retryOn` conditions → Linkerd HTTP retry conditions.
    private static let retryConditions: [String: String] = [
        "5xx": "5xx", "gateway-error": "gateway-error",
        // Connection-level failures reach the retrying proxy as gateway errors.
        "connect-failure": "gateway-error", "refused-stream": "gateway-error", "reset": "gateway-error",
        "retriable-4xx": "409",
    ]
    private static let grpcConditions: Set<String> = ["cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable"]

    mutating func retryAnnotations(_ r: Istio.HTTPRetry, at path: FieldPath, _ ref: ObjectRef) -> [String: String] {
        guard let attempts = r.attempts, attempts > 0 else {
            log.consume(ref, path)
            return [:] // Retries off, which is Tern's default.
        }
        log.consume(ref, path.key("attempts"))
        var out = ["retry.linkerd.io/limit": "\(attempts)"]
        var http: [String] = []
        var dropped: [String] = []
        // Istio's default conditions when retryOn is not set.
        let given = r.retryOn ?? "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"
        for token in given.split(separator: ",").map({ $0.trimmingSpaces() }) where !token.isEmpty {
            if let mapped = Self.retryConditions[token] {
                if !http.contains(mapped) { http.append(mapped) }
            } else if let code = Int(token), (100...599).contains(code) {
                http.append(token)
            } else if token == "retriable-status-codes" || Self.grpcConditions.contains(token) {
                continue // Status-code lists come from request headers; gRPC codes only apply to gRPC routes.
            } else {
                dropped.append(token)
            }
        }
        if http.isEmpty { http = ["gateway-error"] }
        out["retry.linkerd.io/http"] = http.joined(separator: ",")
        if r.retryOn != nil {
            let tokens = given.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
            if dropped.isEmpty && tokens.allSatisfy({ Self.retryConditions[$0] == $0 || Int($0) != nil }) {
                log.consume(ref, path.key("retryOn"))
            } else if dropped.isEmpty {
                log.info(ref, path.key("retryOn"), "Retry conditions became \"\(out["retry.linkerd.io/http"]!)\": connection failures count as gateway errors, and gRPC status conditions apply to GRPCRoutes.")
            } else {
                log.change(ref, path.key("retryOn"), "Tern has no retry condition for \(dropped.joined(separator: ", ")); the route retries on \(out["retry.linkerd.io/http"]!).",
                           action: "Check that the remaining conditions cover the failures you retried.")
            }
        }
        if let t = r.perTryTimeout {
            out["retry.linkerd.io/timeout"] = Self.canonicalDuration(t) ?? t
            log.consume(ref, path.key("perTryTimeout"))
        }
        if r.retryRemoteLocalities != nil {
            log.info(ref, path.key("retryRemoteLocalities"), "Tern retries on any endpoint the balancer picks; it has no locality preference.")
        }
        return out
    }

    mutating func faultAnnotations(_ f: Istio.HTTPFaultInjection, at path: FieldPath, _ ref: ObjectRef) -> [String: String] {
        var fault = FaultInjection()
        if let d = f.delay {
            let p = path.key("delay")
            if let text = d.fixedDelay, let delay = try? GoDuration(parsing: text) {
                fault.delay = delay
                log.consume(ref, p.key("fixedDelay"))
                if let value = d.percentage?.value { fault.delayPercent = value; log.consume(ref, p.key("percentage")) }
                else if let value = d.percent { fault.delayPercent = Double(value); log.consume(ref, p.key("percent")) }
            }
            if d.exponentialDelay != nil {
                log.change(ref, p.key("exponentialDelay"), "Tern injects fixed delays only (Istio does not implement exponential delays either).", action: "Use fixedDelay.")
            }
        }
        if let a = f.abort {
            let p = path.key("abort")
            if let status = a.httpStatus {
                fault.abortHTTPStatus = status
                log.consume(ref, p.key("httpStatus"))
            } else if let name = a.grpcStatus, let code = FaultInjection.grpcCode(named: name) {
                fault.abortGRPCStatus = code
                log.consume(ref, p.key("grpcStatus"))
            } else if a.http2Error != nil {
                log.change(ref, p.key("http2Error"), "Tern aborts with an HTTP or gRPC status, not an HTTP/2 stream error.", action: "Use httpStatus or grpcStatus.")
            }
            if fault.abortHTTPStatus != nil || fault.abortGRPCStatus != nil, let value = a.percentage?.value {
                fault.abortPercent = value
                log.consume(ref, p.key("percentage"))
            }
        }
        return fault.annotations
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
