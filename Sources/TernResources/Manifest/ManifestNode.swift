/// A parsed YAML/JSON value that remembers the line it came from, so every later error can
/// point at the offending node. Mapping entries keep their order (output stays readable).
public struct ManifestNode: Hashable, Sendable {
    /// What YAML's resolver made of a plain scalar; quoted scalars are always `.string`.
    public enum ScalarType: Hashable, Sendable {
        case string
        case int
        case float
        case bool
        case null
    }

    public struct Entry: Hashable, Sendable {
        public var key: String
        public var keyLine: Int
        public var value: ManifestNode

        public init(key: String, keyLine: Int, value: ManifestNode) {
            self.key = key
            self.keyLine = keyLine
            self.value = value
        }
    }

    public enum Value: Hashable, Sendable {
        case scalar(String, ScalarType)
        case mapping([Entry])
        case sequence([ManifestNode])
    }

    public var value: Value
    /// 1-based line of the node's first token; 0 when built in memory.
    public var line: Int

    public init(_ value: Value, line: Int = 0) {
        self.value = value
        self.line = line
    }

    public static let null = ManifestNode(.scalar("", .null))
    public static func string(_ s: String) -> ManifestNode { ManifestNode(.scalar(s, .string)) }

    public var isNull: Bool {
        if case .scalar(_, .null) = value { return true }
        return false
    }

    /// The text of a scalar; nil for mappings, sequences and null.
    public var scalarText: String? {
        if case .scalar(let s, let t) = value, t != .null { return s }
        return nil
    }

    public var entries: [Entry]? {
        if case .mapping(let e) = value { return e }
        return nil
    }

    public var items: [ManifestNode]? {
        if case .sequence(let i) = value { return i }
        return nil
    }

    /// The value at `key` in a mapping.
    public subscript(key: String) -> ManifestNode? {
        entries?.first { $0.key == key }?.value
    }

    /// What kind of value this is, for error messages ("got a list").
    public var typeDescription: String {
        switch value {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(_, .null): return "null"
        case .scalar(let s, .string): return "\"\(s.count > 60 ? String(s.prefix(60)) + "…" : s)\""
        case .scalar(let s, .int), .scalar(let s, .float): return "the number \(s)"
        case .scalar(let s, .bool): return "the boolean \(s)"
        }
    }

    /// Follows `path` from this node; returns the deepest node reached, whether all of the
    /// path was found, and the line to blame: the key's line for a mapping entry (so a missing
    /// or malformed block value points at its key), the item's line for a list element.
    public func locate(_ path: FieldPath) -> (node: ManifestNode, complete: Bool, line: Int) {
        var current = self
        var line = self.line
        for c in path.components {
            switch (c, current.value) {
            case (.key(let k), .mapping(let entries)):
                guard let next = entries.first(where: { $0.key == k }) else { return (current, false, line) }
                current = next.value
                line = next.keyLine > 0 ? next.keyLine : next.value.line
            case (.index(let i), .sequence(let items)):
                guard items.indices.contains(i) else { return (current, false, line) }
                current = items[i]
                line = current.line
            default:
                return (current, false, line)
            }
        }
        return (current, true, line)
    }
}
