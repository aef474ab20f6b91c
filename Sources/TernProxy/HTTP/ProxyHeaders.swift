import NIOHTTP1

/// Header rules every proxied request and response goes through.
enum ProxyHeaders {
    /// Carries a request's original HTTP/1 version across the proxies' HTTP/2 connection, so the
    /// server proxy can restore it for the application (linkerd2-proxy's header name).
    static let originalProtocol = "l5d-orig-proto"
    /// Names the logical destination for ingress controllers and explicit clients; it wins over
    /// the Host header and the original destination address.
    static let destinationOverride = "l5d-dst-override"
    /// Names the cause of an error the proxy itself answered with.
    static let proxyError = "l5d-proxy-error"

    /// RFC 9110 §7.6.1: headers that describe one connection, not the message. `te` is handled
    /// apart (its `trailers` value is end to end for gRPC).
    private static let hopByHopList = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
        "transfer-encoding", "upgrade", "trailer",
    ]
    private static let hopByHop = Set(hopByHopList)

    /// Removes hop-by-hop headers and those the `Connection` header names. `te` survives only
    /// as `te: trailers`. Everything else, including order and case of values, is untouched.
    static func stripHopByHop(_ headers: inout HTTPHeaders) {
        // The common request has none of these: find that out without allocating (names are
        // compared case-insensitively in place).
        guard hopByHopList.contains(where: { headers.contains(name: $0) }) || headers.contains(name: "te") else { return }
        var named = Set<String>()
        for value in headers[canonicalForm: "connection"] {
            named.insert(value.lowercased())
        }
        let keepTrailers = headers[canonicalForm: "te"].contains { $0.lowercased() == "trailers" }
        var kept = HTTPHeaders()
        kept.reserveCapacity(headers.count)
        for (name, value) in headers {
            let lower = name.lowercased()
            if hopByHop.contains(lower) || named.contains(lower) || lower == "te" { continue }
            kept.add(name: name, value: value)
        }
        if keepTrailers { kept.add(name: "te", value: "trailers") }
        headers = kept
    }

    /// Whether the body is chunked on the wire (needed when the request goes on as HTTP/1 and
    /// the method does not normally carry a body).
    static func isChunked(_ headers: HTTPHeaders) -> Bool {
        headers[canonicalForm: "transfer-encoding"].last?.lowercased() == "chunked"
    }

    /// A gRPC call: errors are answered in gRPC terms and `grpc-status` classifies responses.
    static func isGRPC(_ headers: HTTPHeaders) -> Bool {
        guard let type = headers.first(name: "content-type") else { return false }
        return type.utf8.starts(with: "application/grpc".utf8)
    }

    /// A request asking to switch protocols (WebSocket and friends): from then on the
    /// connection is opaque bytes.
    static func isUpgrade(_ head: HTTPRequestHead) -> Bool {
        head.headers.contains(name: "upgrade")
            && head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
    }

    /// The `grpc-status` of a response's trailers (or of a trailers-only response's headers).
    static func grpcStatus(_ headers: HTTPHeaders?) -> Int? {
        headers?.first(name: "grpc-status").flatMap { Int($0) }
    }
}
