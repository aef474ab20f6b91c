/// The `Decoder` the Codable machinery sees; all reporting goes through `ManifestDecoding`.
struct NodeDecoder: Decoder {
    let node: ManifestNode
    let path: FieldPath
    let decoding: ManifestDecoding

    var codingPath: [any CodingKey] { path.components.map(PathKey.init) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let entries = node.entries else {
            throw decoding.report(FieldError.expected("a mapping", got: node).message, node: node, path: path)
        }
        return KeyedDecodingContainer(NodeKeyedContainer<Key>(node: node, entries: entries, path: path, decoding: decoding))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let items = node.items else {
            throw decoding.report(FieldError.expected("a list", got: node).message, node: node, path: path)
        }
        return NodeUnkeyedContainer(items: items, path: path, decoding: decoding)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        NodeSingleValueContainer(node: node, path: path, decoding: decoding)
    }
}

/// A coding key that mirrors a `FieldPath` component.
struct PathKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
    init(_ component: FieldPath.Component) {
        switch component {
        case .key(let k): self.init(stringValue: k)
        case .index(let i): self.init(intValue: i)
        }
    }
}

/// Converts a scalar node to a Swift primitive under Kubernetes' typing rules.
enum ScalarConversion {
    static func value<T>(_ type: T.Type, node: ManifestNode, path: FieldPath, decoding: ManifestDecoding) throws -> T {
        if T.self == String.self { return try decoding.decodeString(node, path: path) as! T }
        guard case .scalar(let text, let scalarType) = node.value, scalarType != .null else {
            throw decoding.report(FieldError.expected(expectation(for: T.self), got: node).message, node: node, path: path)
        }
        if T.self == Bool.self {
            guard scalarType == .bool else {
                throw decoding.report(FieldError.expected("true or false", got: node).message, node: node, path: path)
            }
            return (["true", "yes", "on", "y"].contains(text.lowercased())) as! T
        }
        if T.self == Double.self || T.self == Float.self {
            guard scalarType == .int || scalarType == .float, let d = parseDouble(text) else {
                throw decoding.report(FieldError.expected("a number", got: node).message, node: node, path: path)
            }
            return (T.self == Double.self ? d as Any : Float(d) as Any) as! T
        }
        guard scalarType == .int, let wide = parseInt(text) else {
            throw decoding.report(FieldError.expected("a whole number", got: node).message, node: node, path: path)
        }
        if let v = narrow(wide, to: T.self) { return v }
        throw decoding.report("the number \(text) is out of range", node: node, path: path)
    }

    static func expectation<T>(for type: T.Type) -> String {
        if T.self == Bool.self { return "true or false" }
        if T.self == Double.self || T.self == Float.self { return "a number" }
        return "a whole number"
    }

    static func parseInt(_ text: String) -> Int64? {
        var s = Substring(text.replacingOccurrences(of: "_", with: ""))
        var negative = false
        if s.first == "-" || s.first == "+" { negative = s.first == "-"; s = s.dropFirst() }
        let magnitude: Int64?
        if s.hasPrefix("0x") { magnitude = Int64(s.dropFirst(2), radix: 16) }
        else if s.hasPrefix("0o") { magnitude = Int64(s.dropFirst(2), radix: 8) }
        else if s.count > 1 && s.hasPrefix("0") { magnitude = Int64(s.dropFirst(), radix: 8) }
        else { magnitude = Int64(s) }
        guard let m = magnitude else { return nil }
        return negative ? -m : m
    }

    static func parseDouble(_ text: String) -> Double? {
        switch text.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: return Double(text.replacingOccurrences(of: "_", with: "")) ?? parseInt(text).map(Double.init)
        }
    }

    private static func narrow<T>(_ v: Int64, to: T.Type) -> T? {
        switch T.self {
        case is Int.Type: return Int(exactly: v) as? T
        case is Int8.Type: return Int8(exactly: v) as? T
        case is Int16.Type: return Int16(exactly: v) as? T
        case is Int32.Type: return Int32(exactly: v) as? T
        case is Int64.Type: return v as? T
        case is UInt.Type: return UInt(exactly: v) as? T
        case is UInt8.Type: return UInt8(exactly: v) as? T
        case is UInt16.Type: return UInt16(exactly: v) as? T
        case is UInt32.Type: return UInt32(exactly: v) as? T
        case is UInt64.Type: return UInt64(exactly: v) as? T
        default: return nil
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
