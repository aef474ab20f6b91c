/// A control-plane address as operators write it: `host:port`, or `[v6-address]:port`.
public struct HostPort: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Nil unless the text is exactly a non-empty host and a port from 1 to 65535; an IPv6
    /// host must be bracketed so its colons cannot be mistaken for the port separator.
    public init?(parsing text: String) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.first == ":" else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            guard !host.utf8.contains(UInt8(ascii: ":")) else { return nil }
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, !host.utf8.contains(UInt8(ascii: " ")), let port = Self.port(portText) else { return nil }
        self.init(host: String(host), port: port)
    }

    /// A decimal port from 1 to 65535, digits only (no sign, no spaces).
    static func port(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
            let value = Int(text), (1...65535).contains(value)
        else { return nil }
        return value
    }

    public var description: String { host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
