/// A Kubernetes quantity as used for weights: a whole number (`500`) or a quantity string
/// (`"500m"`, `"1"`, `"0.5"`, `"1k"`). SMI v1alpha1 and ServiceProfile dstOverrides accept both.
public enum Quantity: Codable, Sendable, Hashable, CustomStringConvertible {
    case number(Int)
    case text(String)

    public init(from decoder: any Decoder) throws {
        // Peek at the node (a failed `try` would be recorded as an error by the decoder).
        if let node = (decoder as? NodeDecoder)?.node {
            switch node.value {
            case .scalar(let text, .int):
                guard let n = Int(text) else { throw FieldError.expected("a whole number or a quantity such as \"500m\"", got: node) }
                self = .number(n)
            case .scalar(let text, .string), .scalar(let text, .float):
                self = .text(text)
            default:
                throw FieldError.expected("a whole number or a quantity such as \"500m\"", got: node)
            }
            return
        }
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) { self = .number(n); return }
        self = .text(try c.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let n): try c.encode(n)
        case .text(let s): try c.encode(s)
        }
    }

    public var description: String {
        switch self {
        case .number(let n): return "\(n)"
        case .text(let s): return s
        }
    }

    /// The value in thousandths (`"500m"` → 500, `1` → 1000), or nil if the text is not a
    /// quantity. Weights only compare with each other, so milli-units are precise enough.
    public var milliValue: Int64? {
        switch self {
        case .number(let n): return Int64(n) * 1000
        case .text(let s): return Self.parseMilli(s)
        }
    }

    private static let suffixes: [(String, Double)] = [
        ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776),
        ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12),
    ]

    private static func pow10(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(n) { result *= 10 }
        return n < 0 ? 1 / result : result
    }

    static func parseMilli(_ text: String) -> Int64? {
        var number = Substring(text)
        var scale = 1.0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            // A decimal exponent suffix: "1e3", "5E-3".
            let exp = text[text.index(after: e)...]
            let digits = exp.first == "+" || exp.first == "-" ? exp.dropFirst() : exp
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(exp), abs(n) <= 18 else { return nil }
            number = text[..<e]
            scale = pow10(n)
        } else if let (suffix, factor) = suffixes.first(where: { text.hasSuffix($0.0) }) {
            number = number.dropLast(suffix.count)
            scale = factor
        }
        // Digits with at most one decimal point and an optional sign; no exponents or spaces.
        let body = number.first == "+" || number.first == "-" ? number.dropFirst() : number
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              body.filter({ $0 == "." }).count <= 1, body != ".", let value = Double(number) else { return nil }
        let milli = (value * scale * 1000).rounded()
        guard milli.magnitude < 9e18 else { return nil }
        return Int64(milli)
    }
}

extension Validator {
    /// A weight given as a quantity: well formed and not negative.
    mutating func quantityWeight(_ value: Quantity?, at key: String) {
        guard let value else { return }
        guard let milli = value.milliValue else {
            error("expected a weight such as 100 or \"500m\", got \"\(value)\"", at: key)
            return
        }
        if milli < 0 { error("weight must be 0 or more, got \(value)", at: key) }
    }
}
