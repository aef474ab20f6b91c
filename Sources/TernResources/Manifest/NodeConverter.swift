import Yams

/// Converts Yams' node tree into `ManifestNode`, shifting lines to file positions and counting
/// nodes so that aliases cannot multiply a small file into an enormous tree.
struct NodeConverter {
    struct TooLarge: Error { let limit: Int }

    let lineOffset: Int
    let maxNodes: Int
    private var count = 0

    init(lineOffset: Int, maxNodes: Int) {
        self.lineOffset = lineOffset
        self.maxNodes = maxNodes
    }

    mutating func convert(_ node: Node) throws -> ManifestNode {
        count += 1
        if count > maxNodes { throw TooLarge(limit: maxNodes) }
        let line = (node.mark?.line ?? 0) + lineOffset
        switch node {
        case .scalar(let scalar):
            return ManifestNode(.scalar(scalar.string, Self.type(of: scalar, tag: node.tag)), line: line)
        case .mapping(let mapping):
            var entries: [ManifestNode.Entry] = []
            entries.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                let keyText: String
                switch key {
                case .scalar(let s): keyText = s.string
                default: keyText = try Self.flowText(key)
                }
                let keyLine = (key.mark?.line ?? 0) + lineOffset
                entries.append(.init(key: keyText, keyLine: keyLine, value: try convert(value)))
            }
            return ManifestNode(.mapping(entries), line: line)
        case .sequence(let sequence):
            var items: [ManifestNode] = []
            items.reserveCapacity(sequence.count)
            for item in sequence { items.append(try convert(item)) }
            return ManifestNode(.sequence(items), line: line)
        case .alias:
            // Yams resolves aliases while composing; an unresolved one is kept as its text.
            return ManifestNode(.scalar("", .null), line: line)
        }
    }

    private static func type(of scalar: Node.Scalar, tag: Tag) -> ManifestNode.ScalarType {
        if scalar.style != .plain && scalar.style != .any { return .string }
        switch tag.description {
        case Tag.Name.int.rawValue: return .int
        case Tag.Name.float.rawValue: return .float
        case Tag.Name.bool.rawValue: return .bool
        case Tag.Name.null.rawValue: return .null
        default: return .string
        }
    }

    /// A complex (non-scalar) mapping key is legal YAML but never valid in Kubernetes; keep its
    /// text so the decoder can report it by name.
    private static func flowText(_ node: Node) throws -> String {
        (try? Yams.serialize(node: node)).map { String($0.filter { !$0.isNewline }) } ?? "<complex key>"
    }
}
