import TernResources
import Yams

/// Writes emitted objects as YAML or JSON, deterministically: fields in model order
/// (apiVersion, kind, metadata, spec), map-valued fields (labels, annotations, selectors)
/// sorted, so golden files and diffs stay stable.
public enum ManifestWriter {
    public enum Format: String, Sendable, CaseIterable {
        case yaml
        case json
    }

    public struct EncodingFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Keys whose values are free-form maps; Swift dictionaries encode in random order.
    static let mapKeys: Set<String> = ["labels", "annotations", "selector", "matchLabels", "podSelector"]

    /// One object as an ordered tree.
    public static func node(_ resource: any KubeResource) throws -> ManifestNode {
        let yaml: String
        do { yaml = try YAMLEncoder().encode(resource) } catch { throw EncodingFailure(description: "cannot encode \(resource.kind) \(resource.name): \(error)") }
        let loaded = ManifestLoader().load(text: yaml, file: "<encoded>")
        guard let doc = loaded.documents.first else {
            throw EncodingFailure(description: "cannot re-read encoded \(resource.kind) \(resource.name): \(loaded.diagnostics.map(\.description))")
        }
        return canonical(doc.node, parentKey: nil)
    }

    static func canonical(_ node: ManifestNode, parentKey: String?) -> ManifestNode {
        switch node.value {
        case .mapping(var entries):
            entries = entries.map { ManifestNode.Entry(key: $0.key, keyLine: 0, value: canonical($0.value, parentKey: $0.key)) }
            if let parentKey, mapKeys.contains(parentKey) { entries.sort { $0.key < $1.key } }
            return ManifestNode(.mapping(entries))
        case .sequence(let items):
            return ManifestNode(.sequence(items.map { canonical($0, parentKey: nil) }))
        case .scalar:
            return ManifestNode(node.value)
        }
    }

    public static func write(_ resources: [any KubeResource], format: Format) throws -> String {
        let nodes = try resources.map(node)
        switch format {
        case .yaml:
            return try nodes.map { "---\n" + (try YAMLEncoder().encode($0)) }.joined()
        case .json:
            let list = ManifestNode(.mapping([
                .init(key: "apiVersion", keyLine: 0, value: .string("v1")),
                .init(key: "kind", keyLine: 0, value: .string("List")),
                .init(key: "items", keyLine: 0, value: ManifestNode(.sequence(nodes))),
            ]))
            return JSONText.write(list) + "\n"
        }
    }
}

/// A small JSON writer over ordered trees (Foundation's encoder would reorder keys).
enum JSONText {
    static func write(_ node: ManifestNode, indent: String = "") -> String {
        let inner = indent + "  "
        switch node.value {
        case .mapping(let entries):
            if entries.isEmpty { return "{}" }
            return "{\n" + entries.map { "\(inner)\(quote($0.key)): \(write($0.value, indent: inner))" }.joined(separator: ",\n") + "\n\(indent)}"
        case .sequence(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { inner + write($0, indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .scalar(let text, let type):
            switch type {
            case .null: return "null"
            case .bool: return ["true", "yes", "on", "y"].contains(text.lowercased()) ? "true" : "false"
            case .int, .float: return Double(text) != nil ? text : quote(text)
            case .string: return quote(text)
            }
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if c.value < 0x20 {
                    let hex = String(c.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }
}
