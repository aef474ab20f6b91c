/// The first request an application sends to the outbound listener in explicit mode
/// (`HTTP_PROXY`/`HTTPS_PROXY` pointing at the proxy): `CONNECT host:port` for a tunnel, or an
/// absolute-form request (`GET http://host/path HTTP/1.1`) to forward. Parsed from the raw
/// bytes so the rest of the stream passes through untouched.
enum ProxyRequestHead: Equatable {
    case needMore
    /// The head exceeds `limit` bytes without ending (answered with 431).
    case tooLarge
    /// Not a request line a proxy can act on (answered with 400 and the reason).
    case invalid(String)
    /// `CONNECT authority`: after the tunnel is up, the proxy answers 200 and splices. The
    /// head's `length` bytes are consumed; anything after them is tunnel data.
    case connect(host: String, port: Int, length: Int)
    /// An absolute-form request: forwarded in origin form (`GET /path HTTP/1.1`) with the
    /// proxy-only headers removed; `head` replaces the first `length` bytes.
    case forward(host: String, port: Int, head: [UInt8], length: Int)

    /// Headers meant for the proxy itself, never forwarded.
    private static let proxyOnlyHeaders: Set<String> = ["proxy-connection", "proxy-authorization"]

    static func parse(_ bytes: UnsafeRawBufferPointer, limit: Int = 8192) -> ProxyRequestHead {
        guard let end = headEnd(bytes) else {
            return bytes.count >= limit ? .tooLarge : .needMore
        }
        guard end <= limit else { return .tooLarge }
        let lines = bytes[..<(end - 4)].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { $0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0 }
        guard let requestLine = lines.first else { return .invalid("empty request") }
        let parts = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, let method = String(validating: parts[0], as: UTF8.self),
              let target = String(validating: parts[1], as: UTF8.self),
              let version = String(validating: parts[2], as: UTF8.self),
              version == "HTTP/1.1" || version == "HTTP/1.0", !method.isEmpty
        else { return .invalid("malformed request line") }
        // A bare CR, TAB or other control byte in the target could read as a line break to a
        // lenient upstream and smuggle a header through; RFC 9112 says reject it.
        guard target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .invalid("control or non-ASCII character in the request target")
        }

        if method == "CONNECT" {
            guard let (host, port) = splitAuthority(Substring(target), defaultPort: nil) else {
                return .invalid("CONNECT needs host:port, got \"\(target)\"")
            }
            return .connect(host: host, port: port, length: end)
        }
        guard target.lowercased().hasPrefix("http://") else {
            if target.lowercased().hasPrefix("https://") {
                return .invalid("https:// requests must use CONNECT")
            }
            return .invalid("this is a proxy: the request target must be an absolute http:// URI")
        }
        let rest = target.dropFirst("http://".count)
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        guard let (host, port) = splitAuthority(rest[..<slash], defaultPort: 80) else {
            return .invalid("bad authority in \"\(target)\"")
        }
        var path = String(rest[slash...])
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }

        var head = Array("\(method) \(path) \(version)\r\n".utf8)
        var upgrade = false
        for line in lines.dropFirst() {
            let name = line.prefix { $0 != UInt8(ascii: ":") }
            // Whitespace before the colon (or a folded line) hides a header's real name from
            // the proxy-only filter; RFC 9112 §5.1 answers it with 400.
            if name.last == UInt8(ascii: " ") || name.last == UInt8(ascii: "\t")
                || line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
                return .invalid("whitespace in a header name or a folded header line")
            }
            let lowered = String(decoding: name, as: UTF8.self).lowercased()
            if proxyOnlyHeaders.contains(lowered) { continue }
            if lowered == "connection" {
                let value = String(decoding: line.dropFirst(name.count), as: UTF8.self).lowercased()
                if value.contains("upgrade") { upgrade = true } else { continue }
            }
            if lowered == "keep-alive" { continue }
            head += line
            head += [13, 10]
        }
        // The connection is spliced to this request's upstream from here on, so a client that
        // reused it for another host would reach the wrong service. `connection: close` makes
        // the server end it after this response and the client open a new one. An upgrade
        // (WebSocket) keeps its own header: the connection then belongs to that upstream.
        if !upgrade { head += Array("connection: close\r\n".utf8) }
        head += [13, 10]
        return .forward(host: host, port: port, head: head, length: end)
    }

    /// Index just past the blank line ending the head.
    private static func headEnd(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 3..<bytes.count where bytes[i] == 10 && bytes[i - 1] == 13 && bytes[i - 2] == 10 && bytes[i - 3] == 13 {
            return i + 1
        }
        return nil
    }

    /// `host:port`, `[v6]:port`, or a bare host when a default port applies.
    static func splitAuthority(_ text: Substring, defaultPort: Int?) -> (String, Int)? {
        var host = text
        var port = defaultPort
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                port = HostPort.port(after.dropFirst())
            }
        } else if let colon = host.lastIndex(of: ":") {
            port = HostPort.port(host[host.index(after: colon)...])
            host = host[..<colon]
        }
        guard let port, !host.isEmpty,
              host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "_") })
        else { return nil }
        return (String(host), port)
    }
}
