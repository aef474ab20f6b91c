/// A path to a field inside an object, printed the way `kubectl explain` users read it:
/// `spec.ports[0].port`.
public struct FieldPath: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }
    public init(arrayLiteral elements: Component...) { self.components = elements }

    public init(codingPath: [any CodingKey]) {
        components = codingPath.map { key in
            if let i = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == "\(i)" {
                return .index(i)
            }
            return .key(key.stringValue)
        }
    }

    public func appending(_ c: Component) -> FieldPath { FieldPath(components + [c]) }
    public func appending(_ key: String) -> FieldPath { appending(.key(key)) }
    public func appending(_ index: Int) -> FieldPath { appending(.index(index)) }

    public var isEmpty: Bool { components.isEmpty }

    public var description: String {
        var out = ""
        for c in components {
            switch c {
            case .key(let k):
                let plain = !k.isEmpty && k.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
                if plain { out += out.isEmpty ? k : ".\(k)" } else { out += "[\"\(k)\"]" }
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }
}
