/// Lets raw trees travel inside models (unknown objects, free-form fields) and be written back
/// out unchanged by any encoder.
extension ManifestNode: Codable {
    public init(from decoder: any Decoder) throws {
        if let node = (decoder as? NodeDecoder)?.node {
            self = node
            return
        }
        // Another decoder (JSONDecoder, say): rebuild the tree by probing its value's type.
        if let keyed = try? decoder.container(keyedBy: PathKey.self) {
            var entries: [Entry] = []
            for key in keyed.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                entries.append(Entry(key: key.stringValue, keyLine: 0, value: try keyed.decode(ManifestNode.self, forKey: key)))
            }
            self.init(.mapping(entries))
        } else if var list = try? decoder.unkeyedContainer() {
            var items: [ManifestNode] = []
            while !list.isAtEnd { items.append(try list.decode(ManifestNode.self)) }
            self.init(.sequence(items))
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() { self = .null }
            else if let b = try? single.decode(Bool.self) { self.init(.scalar(b ? "true" : "false", .bool)) }
            else if let i = try? single.decode(Int64.self) { self.init(.scalar("\(i)", .int)) }
            else if let d = try? single.decode(Double.self) { self.init(.scalar("\(d)", .float)) }
            else { self.init(.scalar(try single.decode(String.self), .string)) }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch value {
        case .mapping(let entries):
            var c = encoder.container(keyedBy: PathKey.self)
            for e in entries { try c.encode(e.value, forKey: PathKey(stringValue: e.key)) }
        case .sequence(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(item) }
        case .scalar(let text, let type):
            var c = encoder.singleValueContainer()
            switch type {
            case .null: try c.encodeNil()
            case .bool: try c.encode(["true", "yes", "on", "y"].contains(text.lowercased()))
            case .int:
                if let i = ScalarConversion.parseInt(text) { try c.encode(i) } else { try c.encode(text) }
            case .float:
                if let d = ScalarConversion.parseDouble(text) { try c.encode(d) } else { try c.encode(text) }
            case .string: try c.encode(text)
            }
        }
    }
}
