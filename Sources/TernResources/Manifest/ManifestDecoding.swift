/// Decodes `Decodable` models from `ManifestNode`s, reporting every problem it meets (with the
/// node's line and the field path) instead of stopping at the first. Optional fields that fail
/// become nil after being reported, so decoding goes on and all errors of a file come out at once.
/// Type rules follow Kubernetes: a quoted "80" is not a number, a plain 80 is not a string.
public final class ManifestDecoding {
    struct Reported: Error {}

    let sink: DiagnosticSink

    init(sink: DiagnosticSink) { self.sink = sink }

    /// Decodes `type` from `node` and returns it with any problems found.
    public static func decode<T: Decodable>(_ type: T.Type, from node: ManifestNode, file: String) -> (value: T?, diagnostics: [Diagnostic]) {
        let decoding = ManifestDecoding(sink: DiagnosticSink(file: file))
        let value = try? decoding.decode(type, from: node, path: FieldPath())
        return (value, decoding.sink.diagnostics)
    }

    @discardableResult
    func report(_ message: String, node: ManifestNode, path: FieldPath) -> Reported {
        sink.error(message, line: node.line, path: path)
        return Reported()
    }

    func decode<T: Decodable>(_ type: T.Type, from node: ManifestNode, path: FieldPath) throws -> T {
        if T.self == ManifestNode.self { return node as! T }
        if T.self == String.self { return try decodeString(node, path: path) as! T }
        if let closed = T.self as? any ClosedSetValue.Type {
            return try decodeClosedSet(closed, node: node, path: path) as! T
        }
        if let array = T.self as? any LenientArrayDecodable.Type {
            return try array.decodeElements(from: node, path: path, decoder: self) as! T
        }
        do {
            return try T(from: NodeDecoder(node: node, path: path, decoding: self))
        } catch let error as Reported {
            throw error
        } catch let error as FieldError {
            throw report(error.message, node: node, path: path)
        } catch let error as DecodingError {
            throw report(Self.describe(error), node: node, path: path)
        } catch {
            throw report("\(error)", node: node, path: path)
        }
    }

    func decodeString(_ node: ManifestNode, path: FieldPath) throws -> String {
        guard case .scalar(let text, let type) = node.value, type != .null else {
            throw report(FieldError.expected("a string", got: node).message, node: node, path: path)
        }
        if type != .string {
            throw report("expected a string, got \(node.typeDescription) (quote it: \"\(text)\")", node: node, path: path)
        }
        return text
    }

    private func decodeClosedSet<C: ClosedSetValue>(_ type: C.Type, node: ManifestNode, path: FieldPath) throws -> C {
        guard case .scalar(let text, let scalarType) = node.value, scalarType != .null, node.entries == nil else {
            throw report(FieldError.expected("one of \(Self.list(C.acceptedValues))", got: node).message, node: node, path: path)
        }
        if let value = C(rawValue: text) { return value }
        throw report("expected one of \(Self.list(C.acceptedValues)), got \"\(text)\"", node: node, path: path)
    }

    static func list(_ values: [String]) -> String {
        values.map { "\"\($0)\"" }.joined(separator: ", ")
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            return c.debugDescription
        case .keyNotFound(let key, _):
            return "required field \"\(key.stringValue)\" is missing"
        @unknown default:
            return "\(error)"
        }
    }
}
