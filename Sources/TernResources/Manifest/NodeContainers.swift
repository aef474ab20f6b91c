struct NodeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let node: ManifestNode
    let path: FieldPath
    let decoding: ManifestDecoding
    private let byKey: [String: ManifestNode]

    init(node: ManifestNode, entries: [ManifestNode.Entry], path: FieldPath, decoding: ManifestDecoding) {
        self.node = node
        self.path = path
        self.decoding = decoding
        var byKey: [String: ManifestNode] = [:]
        byKey.reserveCapacity(entries.count)
        for e in entries where byKey[e.key] == nil { byKey[e.key] = e.value }
        self.byKey = byKey
    }

    var codingPath: [any CodingKey] { path.components.map(PathKey.init) }
    var allKeys: [Key] { byKey.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { byKey[key.stringValue] != nil }

    func decodeNil(forKey key: Key) throws -> Bool { byKey[key.stringValue]?.isNull ?? true }

    private func child(_ key: Key) throws -> ManifestNode {
        guard let value = byKey[key.stringValue], !value.isNull else {
            throw decoding.report("required field \"\(key.stringValue)\" is missing", node: node, path: path.appending(key.stringValue))
        }
        return value
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let value = try child(key)
        let childPath = path.appending(key.stringValue)
        if T.self is any LosslessScalar.Type {
            return try ScalarConversion.value(T.self, node: value, path: childPath, decoding: decoding)
        }
        return try decoding.decode(T.self, from: value, path: childPath)
    }

    /// Optional fields: absent or null is nil; a bad value is reported and becomes nil, so the
    /// rest of the object is still checked.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = byKey[key.stringValue], !value.isNull else { return nil }
        return try? decode(T.self, forKey: key)
    }

    // The standard library gives primitives their own `decodeIfPresent` defaults, which throw;
    // these route them through the lenient generic version above.
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try decodeIfPresent(key, as: Bool.self) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try decodeIfPresent(key, as: String.self) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try decodeIfPresent(key, as: Double.self) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try decodeIfPresent(key, as: Float.self) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try decodeIfPresent(key, as: Int.self) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try decodeIfPresent(key, as: Int8.self) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try decodeIfPresent(key, as: Int16.self) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try decodeIfPresent(key, as: Int32.self) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try decodeIfPresent(key, as: Int64.self) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try decodeIfPresent(key, as: UInt.self) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try decodeIfPresent(key, as: UInt8.self) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try decodeIfPresent(key, as: UInt16.self) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try decodeIfPresent(key, as: UInt32.self) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try decodeIfPresent(key, as: UInt64.self) }

    private func decodeIfPresent<T: Decodable>(_ key: Key, as type: T.Type) throws -> T? {
        guard let value = byKey[key.stringValue], !value.isNull else { return nil }
        return try? decode(T.self, forKey: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try NodeDecoder(node: try child(key), path: path.appending(key.stringValue), decoding: decoding).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try NodeDecoder(node: try child(key), path: path.appending(key.stringValue), decoding: decoding).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { NodeDecoder(node: node, path: path, decoding: decoding) }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        NodeDecoder(node: byKey[key.stringValue] ?? .null, path: path.appending(key.stringValue), decoding: decoding)
    }
}

struct NodeUnkeyedContainer: UnkeyedDecodingContainer {
    let items: [ManifestNode]
    let path: FieldPath
    let decoding: ManifestDecoding
    private(set) var currentIndex = 0

    init(items: [ManifestNode], path: FieldPath, decoding: ManifestDecoding) {
        self.items = items
        self.path = path
        self.decoding = decoding
    }

    var codingPath: [any CodingKey] { path.components.map(PathKey.init) }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next() throws -> (ManifestNode, FieldPath) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "list ended early"))
        }
        defer { currentIndex += 1 }
        return (items[currentIndex], path.appending(currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (node, itemPath) = try next()
        if T.self is any LosslessScalar.Type {
            return try ScalarConversion.value(T.self, node: node, path: itemPath, decoding: decoding)
        }
        return try decoding.decode(T.self, from: node, path: itemPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (node, itemPath) = try next()
        return try NodeDecoder(node: node, path: itemPath, decoding: decoding).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (node, itemPath) = try next()
        return try NodeDecoder(node: node, path: itemPath, decoding: decoding).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (node, itemPath) = try next()
        return NodeDecoder(node: node, path: itemPath, decoding: decoding)
    }
}

struct NodeSingleValueContainer: SingleValueDecodingContainer {
    let node: ManifestNode
    let path: FieldPath
    let decoding: ManifestDecoding

    var codingPath: [any CodingKey] { path.components.map(PathKey.init) }

    func decodeNil() -> Bool { node.isNull }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self is any LosslessScalar.Type {
            return try ScalarConversion.value(T.self, node: node, path: path, decoding: decoding)
        }
        return try decoding.decode(T.self, from: node, path: path)
    }
}

/// The primitives that come straight from a scalar.
protocol LosslessScalar {}
extension Bool: LosslessScalar {}
extension String: LosslessScalar {}
extension Double: LosslessScalar {}
extension Float: LosslessScalar {}
extension Int: LosslessScalar {}
extension Int8: LosslessScalar {}
extension Int16: LosslessScalar {}
extension Int32: LosslessScalar {}
extension Int64: LosslessScalar {}
extension UInt: LosslessScalar {}
extension UInt8: LosslessScalar {}
extension UInt16: LosslessScalar {}
extension UInt32: LosslessScalar {}
extension UInt64: LosslessScalar {}
