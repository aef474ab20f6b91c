import Logging
import Synchronization

/// The proxy's process-wide log level, held in an atomic so every log call can consult it
/// without a lock and the admin server can change it while traffic flows.
public final class LogLevelControl: Sendable {
    private let raw: Atomic<UInt8>

    public init(_ level: Logger.Level) {
        raw = Atomic(Self.index(of: level))
    }

    public var level: Logger.Level {
        get { Self.levels[Int(raw.load(ordering: .relaxed))] }
        set { raw.store(Self.index(of: newValue), ordering: .relaxed) }
    }

    /// Levels from most to least verbose, as swift-log orders them.
    static let levels = Logger.Level.allCases

    private static func index(of level: Logger.Level) -> UInt8 {
        UInt8(levels.firstIndex(of: level)!)
    }

    /// The names an operator may write: swift-log's, plus Linkerd's `warn`. Case and
    /// surrounding whitespace are ignored so `echo info | curl -T -` works.
    public static func parse<S: StringProtocol>(_ text: S) -> Logger.Level? {
        let name = text.trimmingWhitespace().lowercased()
        if name == "warn" { return .warning }
        return Logger.Level(rawValue: name)
    }

    /// For error messages: `expected one of trace, debug, …`.
    public static let acceptedNames = levels.map(\.rawValue).joined(separator: ", ")
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> SubSequence {
        var s = self[...]
        while let c = s.first, c.isWhitespace { s = s.dropFirst() }
        while let c = s.last, c.isWhitespace { s = s.dropLast() }
        return s
    }
}
