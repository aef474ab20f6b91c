/// Thrown by a model's own `init(from:)` when a value has the right YAML type but the wrong
/// shape; the decoder attaches the file, line and field path.
public struct FieldError: Error, CustomStringConvertible, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    /// `expected <what>, got <what the node is>`.
    public static func expected(_ what: String, got node: ManifestNode) -> FieldError {
        FieldError("expected \(what), got \(node.typeDescription)")
    }

    public var description: String { message }
}

/// A string enumeration whose unknown values are reported with the list of accepted ones.
public protocol ClosedSetValue: RawRepresentable, CaseIterable, Codable, Sendable, Hashable where RawValue == String {}

extension ClosedSetValue {
    public static var acceptedValues: [String] { allCases.map(\.rawValue) }
}

/// Lets the decoder skip bad list elements one by one instead of dropping the whole list.
protocol LenientArrayDecodable {
    static func decodeElements(from node: ManifestNode, path: FieldPath, decoder: ManifestDecoding) throws -> Self
}

extension Array: LenientArrayDecodable where Element: Decodable {
    static func decodeElements(from node: ManifestNode, path: FieldPath, decoder: ManifestDecoding) throws -> [Element] {
        guard let items = node.items else {
            throw decoder.report(FieldError.expected("a list", got: node).message, node: node, path: path)
        }
        var out: [Element] = []
        out.reserveCapacity(items.count)
        var failed = false
        for (i, item) in items.enumerated() {
            do {
                out.append(try decoder.decode(Element.self, from: item, path: path.appending(i)))
            } catch {
                failed = true
            }
        }
        // Every bad element has been reported; the list as a whole is unusable.
        if failed { throw ManifestDecoding.Reported() }
        return out
    }
}
