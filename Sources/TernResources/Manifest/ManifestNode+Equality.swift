/// Two trees are equal when their content is: positions are where a value was written, not
/// part of it. So an object moved within a file, or re-encoded, compares equal, and the cluster
/// state does not see a change when only comments or layout moved.
extension ManifestNode {
    public static func == (a: ManifestNode, b: ManifestNode) -> Bool { a.value == b.value }

    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

extension ManifestNode.Entry {
    public static func == (a: ManifestNode.Entry, b: ManifestNode.Entry) -> Bool { a.key == b.key && a.value == b.value }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(value)
    }
}

extension ManifestNode.Value {
    /// Numbers compare by value (`0.2` and `2e-1` are one number), everything else by content.
    public static func == (a: ManifestNode.Value, b: ManifestNode.Value) -> Bool {
        switch (a, b) {
        case (.scalar(let x, .float), .scalar(let y, .float)),
             (.scalar(let x, .float), .scalar(let y, .int)),
             (.scalar(let x, .int), .scalar(let y, .float)):
            return ScalarConversion.parseDouble(x) == ScalarConversion.parseDouble(y)
        case (.scalar(let x, .int), .scalar(let y, .int)):
            return ScalarConversion.parseInt(x) == ScalarConversion.parseInt(y)
        case (.scalar(let x, let tx), .scalar(let y, let ty)):
            return tx == ty && x == y
        case (.mapping(let x), .mapping(let y)):
            return x == y
        case (.sequence(let x), .sequence(let y)):
            return x == y
        default:
            return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .scalar(let text, let type):
            switch type {
            case .int, .float: hasher.combine(ScalarConversion.parseDouble(text) ?? 0)
            default:
                hasher.combine(type)
                hasher.combine(text)
            }
        case .mapping(let entries): hasher.combine(entries)
        case .sequence(let items): hasher.combine(items)
        }
    }
}
