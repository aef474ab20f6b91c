import NIOHPACK
import NIOHTTP1

/// Translates message heads between the exchange's HTTP/1 shape and HTTP/2 header blocks
/// (RFC 9113 §8.2–8.3): pseudo-headers to and from the request line, status and `Host`;
/// names lowercased; connection-specific headers, which HTTP/2 forbids, left out.
enum H2HeaderMapping {
    /// A request head as the header block of a new stream. `Host` becomes `:authority`.
    static func request(_ head: HTTPRequestHead) -> HPACKHeaders {
        var block = HPACKHeaders()
        block.reserveCapacity(head.headers.count + 4)
        block.add(name: ":method", value: head.method.rawValue)
        block.add(name: ":scheme", value: "http")
        if let host = head.headers.first(name: "host") { block.add(name: ":authority", value: host) }
        block.add(name: ":path", value: head.uri)
        appendRegular(head.headers, to: &block, skippingHost: true)
        return block
    }

    /// A response head as a header block.
    static func response(_ head: HTTPResponseHead) -> HPACKHeaders {
        var block = HPACKHeaders()
        block.reserveCapacity(head.headers.count + 1)
        block.add(name: ":status", value: String(head.status.code))
        appendRegular(head.headers, to: &block, skippingHost: false)
        return block
    }

    /// Trailers carry no pseudo-headers.
    static func trailers(_ headers: HTTPHeaders) -> HPACKHeaders {
        var block = HPACKHeaders()
        block.reserveCapacity(headers.count)
        appendRegular(headers, to: &block, skippingHost: false)
        return block
    }

    /// The request head of a stream's first header block; nil when a pseudo-header the proxy
    /// needs is missing (NIO has already refused blocks that break the protocol's rules).
    /// `:authority` becomes `Host` unless the block carries one; split `cookie` fields are
    /// joined again, as HTTP/1 wants one.
    static func requestHead(_ block: HPACKHeaders) -> HTTPRequestHead? {
        var method: String?
        var path: String?
        var authority: String?
        var hasHost = false
        var cookies = 0
        for (name, value, _) in block {
            switch name {
            case ":method": method = value
            case ":path": path = value
            case ":authority": authority = value
            case "host": hasHost = true
            case "cookie": cookies += 1
            default: break
            }
        }
        guard let method, let path else { return nil }
        var headers = HTTPHeaders()
        headers.reserveCapacity(block.count)
        if let authority, !hasHost { headers.add(name: "host", value: authority) }
        for (name, value, _) in block where !isPseudo(name) && !(cookies > 1 && name == "cookie") {
            headers.add(name: name, value: value)
        }
        if cookies > 1 {
            headers.add(name: "cookie", value: block[canonicalForm: "cookie"].joined(separator: "; "))
        }
        return HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path, headers: headers)
    }

    /// The response head of a header block; nil without a valid `:status`.
    static func responseHead(_ block: HPACKHeaders) -> HTTPResponseHead? {
        guard let text = block.first(name: ":status"), let code = Int(text), (100...999).contains(code) else { return nil }
        return HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: code), headers: regular(block))
    }

    /// Trailers (or any block) without its pseudo-headers.
    static func regular(_ block: HPACKHeaders) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.reserveCapacity(block.count)
        for (name, value, _) in block where !isPseudo(name) {
            headers.add(name: name, value: value)
        }
        return headers
    }

    // MARK: Helpers

    private static func isPseudo(_ name: String) -> Bool {
        name.utf8.first == UInt8(ascii: ":")
    }

    /// Headers that describe one HTTP/1 connection; HTTP/2 forbids them. `te` may only say
    /// `trailers`.
    private static func isConnectionSpecific(_ lowercased: String) -> Bool {
        switch lowercased {
        case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade": return true
        default: return false
        }
    }

    private static func appendRegular(_ headers: HTTPHeaders, to block: inout HPACKHeaders, skippingHost: Bool) {
        for (name, value) in headers {
            let lowered = lowercase(name)
            if isConnectionSpecific(lowered) || (skippingHost && lowered == "host") { continue }
            if lowered == "te" {
                if value.lowercased() == "trailers" { block.add(name: "te", value: "trailers") }
                continue
            }
            block.add(name: lowered, value: value)
        }
    }

    /// Most names arrive lowercase already; only the others pay for a new string.
    private static func lowercase(_ name: String) -> String {
        name.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) ? name.lowercased() : name
    }
}
