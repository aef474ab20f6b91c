import Logging
import NIOHTTP1

/// The admin API as a pure function from request to response. Paths and behaviour follow
/// linkerd2-proxy's admin server so probes and tooling written for it work.
struct AdminRoutes: Sendable {
    let metrics: MetricsRegistry
    let readiness: ReadinessCheck
    let logLevel: LogLevelControl
    let logger: Logger
    /// Starts the proxy's graceful shutdown.
    let requestShutdown: @Sendable () -> Void

    /// Longest level text echoed back in an error: the body is arbitrary client input.
    private static let echoLimit = 64

    func respond(to request: AdminRequest) -> AdminResponse {
        switch request.path {
        case "/metrics":
            guard request.method == .GET else { return Self.methodNotAllowed(allow: "GET") }
            return AdminResponse(status: .ok, contentType: PrometheusText.contentType, body: metrics.render())
        case "/ready":
            guard request.method == .GET else { return Self.methodNotAllowed(allow: "GET") }
            switch readiness() {
            case .ready: return .text(.ok, "ready")
            case .notReady(let reason): return .text(.serviceUnavailable, "not ready: \(reason)")
            }
        case "/live":
            guard request.method == .GET else { return Self.methodNotAllowed(allow: "GET") }
            return .text(.ok, "live")
        case "/shutdown":
            guard request.method == .POST else { return Self.methodNotAllowed(allow: "POST") }
            return shutdown(request)
        case "/proxy-log-level":
            switch request.method {
            case .GET: return .text(.ok, logLevel.level.rawValue)
            case .PUT: return setLogLevel(request.body)
            default: return Self.methodNotAllowed(allow: "GET, PUT")
            }
        default:
            return .text(.notFound, "not found: the admin server serves /metrics, /ready, /live, /shutdown and /proxy-log-level")
        }
    }

    /// Only processes in the pod may stop the proxy; anyone who can reach the admin port
    /// from the network must not.
    private func shutdown(_ request: AdminRequest) -> AdminResponse {
        guard request.peerIsLoopback else {
            return .text(.forbidden, "shutdown is only accepted from localhost")
        }
        logger.notice("shutdown requested through the admin server")
        var response = AdminResponse.text(.ok, "shutting down")
        response.closesConnection = true
        response.afterWrite = requestShutdown
        return response
    }

    private func setLogLevel(_ body: String) -> AdminResponse {
        guard let level = LogLevelControl.parse(body) else {
            let shown = body.trimmingWhitespace().prefix(Self.echoLimit)
            return .text(.badRequest, "expected one of \(LogLevelControl.acceptedNames), got \"\(shown)\"")
        }
        let previous = logLevel.level
        logLevel.level = level
        logger.notice("log level changed", metadata: ["from": "\(previous)", "to": "\(level)"])
        return AdminResponse(status: .noContent, body: "")
    }

    private static func methodNotAllowed(allow: String) -> AdminResponse {
        var response = AdminResponse.text(.methodNotAllowed, "method not allowed: use \(allow)")
        response.headers = [("Allow", allow)]
        return response
    }
}
