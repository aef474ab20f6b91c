/// An `http://host[:port]/path` URL, parsed strictly: the demo's addresses come from
/// environment variables, and a typo should fail loudly, not turn into another host.
public struct HTTPURL: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var path: String

    public init(host: String, port: Int = 80, path: String = "/") {
        self.host = host
        self.port = port
        self.path = path
    }

    public init?(parsing text: String) {
        guard text.hasPrefix("http://") else { return nil }
        let rest = text.dropFirst("http://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        let path = rest[slash...]
        var host = Substring(authority)
        var port = 80
        if let colon = authority.lastIndex(of: ":") {
            guard let parsed = Int(authority[authority.index(after: colon)...]), (1...65535).contains(parsed) else { return nil }
            port = parsed
            host = authority[..<colon]
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }),
              host.unicodeScalars.allSatisfy(\.isASCII) else { return nil }
        self.host = String(host)
        self.port = port
        self.path = path.isEmpty ? "/" : String(path)
    }

    public var authority: String { port == 80 ? host : "\(host):\(port)" }
    public var description: String { "http://\(authority)\(path)" }
}
