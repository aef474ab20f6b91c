/// A port given by number or by name (Kubernetes' IntOrString as used for ports).
public enum PortRef: Codable, Sendable, Hashable, CustomStringConvertible {
    case number(Int)
    case name(String)

    public init(from decoder: any Decoder) throws {
        // Peek at the node's type rather than trying Int then String: a failed try would be
        // reported as an error by the collecting decoder.
        if let node = (decoder as? NodeDecoder)?.node {
            switch node.value {
            case .scalar(let text, .int):
                guard let n = Int(text) else { throw FieldError.expected("a port number or name", got: node) }
                self = .number(n)
            case .scalar(let text, .string):
                self = .name(text)
            default:
                throw FieldError.expected("a port number or name", got: node)
            }
            return
        }
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) { self = .number(n); return }
        self = .name(try c.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let n): try c.encode(n)
        case .name(let s): try c.encode(s)
        }
    }

    public var description: String {
        switch self {
        case .number(let n): return "\(n)"
        case .name(let s): return s
        }
    }
}
