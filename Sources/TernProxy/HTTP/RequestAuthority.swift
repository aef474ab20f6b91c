import NIOHTTP1

/// Where an HTTP request says it is going: its authority (from an absolute-form target, the
/// `Host` header or HTTP/2's `:authority`, which NIO presents as `host`), and the request
/// target in origin form for the upstream.
struct RequestAuthority: Equatable {
    /// As the client wrote it, lowercased: the `authority` metric label.
    var text: String
    var host: String
    var port: Int

    /// Parses `host`, `host:port` or `[v6]:port`; the port defaults to `defaultPort`.
    init?(_ text: String, defaultPort: Int = 80) {
        let lowered = text.lowercased()
        guard !lowered.isEmpty, lowered.utf8.count <= 255,
              lowered.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "@") })
        else { return nil }
        if let parsed = HostPort(parsing: lowered) {
            host = parsed.host
            port = parsed.port
        } else if lowered.hasPrefix("["), lowered.hasSuffix("]") {
            host = String(lowered.dropFirst().dropLast())
            port = defaultPort
        } else if !lowered.contains(":") {
            host = lowered
            port = defaultPort
        } else {
            return nil
        }
        guard !host.isEmpty else { return nil }
        self.text = lowered
    }

    /// `host:port`, the spelling discovery is asked about.
    var discoveryPath: String { HostPort(host: host, port: port).description }

    /// The authority of `head`, rewriting an absolute-form target (`GET http://web/x`, as
    /// explicit-mode clients send) to origin form and making sure `Host` agrees with it.
    /// Nil authority when the request names none; `malformed` when it names one badly.
    static func of(_ head: inout HTTPRequestHead) -> Result<RequestAuthority?, ProxyHTTPError> {
        if let absolute = absoluteForm(head.uri) {
            guard let authority = RequestAuthority(absolute.authority, defaultPort: absolute.defaultPort) else {
                return .failure(ProxyHTTPError(.badRequest, "malformed authority in the request target"))
            }
            head.uri = absolute.path
            head.headers.replaceOrAdd(name: "host", value: absolute.authority)
            return .success(authority)
        }
        let hosts = head.headers[canonicalForm: "host"]
        guard let host = hosts.first else { return .success(nil) }
        guard hosts.count == 1, let authority = RequestAuthority(String(host)) else {
            return .failure(ProxyHTTPError(.badRequest, "malformed or repeated Host header"))
        }
        return .success(authority)
    }

    /// `http://authority/path?q` → ("authority", "/path?q", 80). Only http and https.
    private static func absoluteForm(_ uri: String) -> (authority: String, path: String, defaultPort: Int)? {
        let lower = uri.prefix(8).lowercased()
        let schemeLength: Int
        let defaultPort: Int
        if lower.hasPrefix("http://") {
            (schemeLength, defaultPort) = (7, 80)
        } else if lower.hasPrefix("https://") {
            (schemeLength, defaultPort) = (8, 443)
        } else {
            return nil
        }
        let rest = uri.dropFirst(schemeLength)
        let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = String(rest[..<end])
        var path = String(rest[end...])
        if path.isEmpty { path = "/" } else if path.hasPrefix("?") { path = "/" + path }
        return (authority, path, defaultPort)
    }
}
