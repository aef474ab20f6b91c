/// A duration in the notation Kubernetes and Linkerd use (Go's `time.ParseDuration`):
/// `5s`, `100ms`, `1m30s`, `1.5h`, `250us`. Negative durations are not meaningful for
/// timeouts or intervals, so they are rejected at parse time.
public struct GoDuration: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Whole nanoseconds; Go's own resolution.
    public let nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static func seconds(_ s: Int64) -> GoDuration { GoDuration(nanoseconds: s * 1_000_000_000) }
    public static func milliseconds(_ ms: Int64) -> GoDuration { GoDuration(nanoseconds: ms * 1_000_000) }

    public var seconds: Double { Double(nanoseconds) / 1e9 }
    public var milliseconds: Double { Double(nanoseconds) / 1e6 }

    public static func < (a: GoDuration, b: GoDuration) -> Bool { a.nanoseconds < b.nanoseconds }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case empty
        case negative
        case missingUnit(String)
        case unknownUnit(String)
        case malformed(String)
        case overflow

        public var description: String {
            switch self {
            case .empty: return "empty duration"
            case .negative: return "negative durations are not allowed"
            case .missingUnit(let s): return "missing unit in \"\(s)\" (use ns, us, ms, s, m or h)"
            case .unknownUnit(let u): return "unknown unit \"\(u)\" (use ns, us, ms, s, m or h)"
            case .malformed(let s): return "malformed duration \"\(s)\""
            case .overflow: return "duration too large"
            }
        }
    }

    private static let units: [(String, Double)] = [
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
    ]

    /// Parses `text` the way Go does, except that a bare `0` is the only unit-less value accepted.
    public init(parsing text: String) throws(ParseError) {
        var rest = Substring(text)
        guard !rest.isEmpty else { throw .empty }
        if rest.first == "-" { throw .negative }
        if rest.first == "+" { rest = rest.dropFirst() }
        if rest == "0" { self.nanoseconds = 0; return }
        guard !rest.isEmpty else { throw .malformed(text) }
        var total: Double = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1,
                  let value = Double(number) else { throw .malformed(text) }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard !unit.isEmpty else { throw .missingUnit(text) }
            guard let scale = Self.units.first(where: { $0.0 == unit })?.1 else { throw .unknownUnit(String(unit)) }
            rest = rest.dropFirst(unit.count)
            total += value * scale
        }
        guard total < Double(Int64.max) else { throw .overflow }
        self.nanoseconds = Int64(total + 0.5) // round half up without libm
    }

    /// Go's canonical text form (`1m30s`, `100ms`, `0s`), so an emitted manifest reads naturally.
    public var description: String {
        if nanoseconds == 0 { return "0s" }
        if nanoseconds % 1_000_000_000 != 0 || nanoseconds < 1_000_000_000 {
            if nanoseconds % 1_000_000 == 0 { return "\(nanoseconds / 1_000_000)ms" }
            if nanoseconds % 1_000 == 0 { return "\(nanoseconds / 1_000)us" }
            return "\(nanoseconds)ns"
        }
        // Go prints whole-second durations as h/m/s with every lower unit present: 1h0m0s, 1m30s.
        let secs = nanoseconds / 1_000_000_000
        let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60)
        if h > 0 { return "\(h)h\(m)m\(s)s" }
        if m > 0 { return "\(m)m\(s)s" }
        return "\(s)s"
    }
}

extension GoDuration: Codable {
    /// Encoded as Go's text form, so policies read the same on the wire and in manifests.
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
