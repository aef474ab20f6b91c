import NIOCore
import NIOHTTP1

/// A request the proxy answers itself because it could not forward it. The reason goes into
/// `l5d-proxy-error` (and `grpc-message` for gRPC) so the caller sees why without proxy logs.
struct ProxyHTTPError: Error, CustomStringConvertible {
    enum Kind: String {
        case noEndpoints = "no endpoints"
        case connectFailed = "connect failed"
        case identityMismatch = "identity mismatch"
        case timeout = "timeout"
        case upstreamReset = "upstream reset"
        case badRequest = "bad request"
        case headersTooLarge = "headers too large"
        case forbidden = "forbidden"
        case noRoute = "no route"
        case noBackend = "no backend"
    }

    let kind: Kind
    let detail: String
    /// Whether nothing of the request reached an upstream, so another endpoint may be tried.
    let unsent: Bool

    init(_ kind: Kind, _ detail: String, unsent: Bool = false) {
        self.kind = kind
        self.detail = detail
        self.unsent = unsent
    }

    var description: String { "\(kind.rawValue): \(detail)" }

    var status: HTTPResponseStatus {
        switch kind {
        case .badRequest: return .badRequest
        case .headersTooLarge: return .requestHeaderFieldsTooLarge
        case .timeout: return .gatewayTimeout
        case .forbidden: return .forbidden
        case .noRoute: return .notFound
        case .noBackend: return .internalServerError
        case .noEndpoints, .connectFailed, .identityMismatch, .upstreamReset: return .badGateway
        }
    }

    /// gRPC's code for the same failure: UNAVAILABLE when another try may work, DEADLINE_EXCEEDED
    /// for timeouts, PERMISSION_DENIED for refusals, INTERNAL for malformed calls.
    var grpcStatus: Int {
        switch kind {
        case .timeout: return 4
        case .forbidden: return 7
        case .noRoute: return 12
        case .noBackend: return 13
        case .badRequest, .headersTooLarge: return 13
        case .noEndpoints, .connectFailed, .identityMismatch, .upstreamReset: return 14
        }
    }

    /// The status and gRPC status the answer carries, as the metrics count it: a gRPC call
    /// is answered 200 with the failure in `grpc-status`.
    func answered(grpc: Bool) -> (status: Int, grpcStatus: Int?) {
        grpc ? (200, grpcStatus) : (Int(status.code), nil)
    }

    /// The response parts answering `request`: plain HTTP gets the status and
    /// `l5d-proxy-error`; a gRPC call gets 200 with the status in trailers, as gRPC clients
    /// expect.
    func responseParts(grpc: Bool, keepAlive: Bool) -> (head: HTTPResponseHead, trailers: HTTPHeaders?) {
        let reason = Self.headerSafe(description)
        var headers = HTTPHeaders()
        headers.add(name: ProxyHeaders.proxyError, value: reason)
        if grpc {
            headers.add(name: "content-type", value: "application/grpc")
            var trailers = HTTPHeaders()
            trailers.add(name: "grpc-status", value: String(grpcStatus))
            trailers.add(name: "grpc-message", value: reason)
            return (HTTPResponseHead(version: .http1_1, status: .ok, headers: headers), trailers)
        }
        headers.add(name: "content-length", value: "0")
        if !keepAlive { headers.add(name: "connection", value: "close") }
        return (HTTPResponseHead(version: .http1_1, status: status, headers: headers), nil)
    }

    /// Header values may not carry control characters; error texts come from remote input.
    static func headerSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.lazy.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }.prefix(300)))
    }
}
