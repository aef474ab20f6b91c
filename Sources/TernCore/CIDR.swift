/// An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `fd00::/8`). A bare address is
/// accepted as a single-host network, as Linkerd's NetworkAuthentication does.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case badAddress(String)
        case badPrefix(String)
        public var description: String {
            switch self {
            case .badAddress(let s): return "\"\(s)\" is not an IPv4 or IPv6 address"
            case .badPrefix(let s): return "bad prefix length \"\(s)\""
            }
        }
    }

    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parsing: String(parts[0])) else { throw .badAddress(String(parts[0])) }
        let maxBits = address.bitWidth
        var prefix = maxBits
        if parts.count == 2 {
            guard let p = Int(parts[1]), p >= 0, p <= maxBits, !parts[1].hasPrefix("+") else {
                throw .badPrefix(String(parts[1]))
            }
            prefix = p
        }
        self.address = address.masked(toPrefix: prefix)
        self.prefixLength = prefix
    }

    public func contains(_ ip: IPAddress) -> Bool {
        guard ip.bitWidth == address.bitWidth else { return false }
        return ip.masked(toPrefix: prefixLength) == address
    }

    public var description: String { "\(address)/\(prefixLength)" }
}

extension CIDR: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
