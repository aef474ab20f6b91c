/// Reads manifest files into typed objects: loads YAML/JSON documents, unpacks `List` kinds,
/// picks each object's model by group and kind, decodes it and validates it. The result holds
/// every object that decoded and every problem found; a file with any error is invalid whole.
public struct ManifestParser: Sendable {
    public struct Result: Sendable {
        public var objects: [DecodedObject] = []
        public var diagnostics: [Diagnostic] = []

        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
        public var isValid: Bool { errors.isEmpty }
    }

    public var registry: ResourceRegistry
    public var loader: ManifestLoader

    public init(registry: ResourceRegistry = .standard, limits: ManifestLimits = .standard) {
        self.registry = registry
        self.loader = ManifestLoader(limits: limits)
    }

    public func parse(bytes: [UInt8], file: String) -> Result {
        collect(loader.load(bytes: bytes, file: file), file: file)
    }

    public func parse(text: String, file: String) -> Result {
        collect(loader.load(text: text, file: file), file: file)
    }

    private func collect(_ loaded: ManifestLoader.Result, file: String) -> Result {
        var result = Result()
        result.diagnostics = loaded.diagnostics
        for doc in loaded.documents {
            decodeObject(doc.node, file: file, prefix: FieldPath(), into: &result, depth: 0)
        }
        result.diagnostics.sort { ($0.line, $0.path) < ($1.line, $1.path) }
        return result
    }

    private func decodeObject(_ node: ManifestNode, file: String, prefix: FieldPath, into result: inout Result, depth: Int) {
        func fail(_ message: String, at key: String? = nil, line: Int? = nil) {
            let path = key.map { prefix.appending($0) } ?? prefix
            result.diagnostics.append(Diagnostic(file: file, line: line ?? node.line, path: path, message: message))
        }
        guard node.entries != nil else {
            fail("expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got \(node.typeDescription)")
            return
        }
        let apiVersion = node["apiVersion"]
        let kind = node["kind"]
        guard let apiVersionText = apiVersion?.scalarText, apiVersion?.value != nil else {
            fail(apiVersion == nil ? "required field \"apiVersion\" is missing" : "expected a string such as \"v1\" or \"policy.linkerd.io/v1beta3\", got \(apiVersion!.typeDescription)",
                 at: "apiVersion", line: apiVersion?.line)
            return
        }
        guard let kindText = kind?.scalarText, !kindText.isEmpty else {
            fail(kind == nil ? "required field \"kind\" is missing" : "expected a kind name, got \(kind!.typeDescription)", at: "kind", line: kind?.line)
            return
        }
        let (group, version) = splitAPIVersion(apiVersionText)
        if version.isEmpty || apiVersionText.hasPrefix("/") {
            fail("\"\(apiVersionText)\" is not an apiVersion; expected group/version such as \"apps/v1\"", at: "apiVersion", line: apiVersion?.line)
            return
        }

        // `List` (and kubectl's `ServiceList` etc.) wrap other objects.
        if group.isEmpty, kindText == "List" || (kindText.hasSuffix("List") && node["items"] != nil) {
            guard depth < 4 else { fail("lists nested too deeply"); return }
            guard let items = node["items"]?.items else {
                fail("a \(kindText) needs an \"items\" list", at: "items", line: node["items"]?.line)
                return
            }
            for (i, item) in items.enumerated() {
                decodeObject(item, file: file, prefix: prefix.appending("items").appending(i), into: &result, depth: depth + 1)
            }
            return
        }

        let type = ResourceType(group: group, kind: kindText)
        guard let model = registry.model(for: type) else {
            decodeUnknown(node, apiVersion: apiVersionText, kind: kindText, file: file, prefix: prefix, into: &result)
            return
        }
        guard model.versions.contains(version) else {
            fail("\(kindText) is not served at \(apiVersionText); Tern accepts \(model.versions.map { model.apiVersion(version: $0) }.joined(separator: ", "))",
                 at: "apiVersion", line: apiVersion?.line)
            return
        }
        decodeTyped(model, node: model == Secret.self ? Self.withoutSecretValues(node) : node, file: file, prefix: prefix, into: &result)
    }

    /// A Secret's values never enter Tern's memory beyond the loader: only metadata is kept.
    static func withoutSecretValues(_ node: ManifestNode) -> ManifestNode {
        guard let entries = node.entries else { return node }
        return ManifestNode(.mapping(entries.filter { $0.key != "data" && $0.key != "stringData" }), line: node.line)
    }

    private func decodeTyped<R: KubeResource>(_ model: R.Type, node: ManifestNode, file: String, prefix: FieldPath, into result: inout Result) {
        let (value, decodeDiagnostics) = ManifestDecoding.decode(R.self, from: node, file: file)
        var diagnostics = decodeDiagnostics
        if let value {
            var v = Validator(file: file, root: node)
            MetadataRules.validate(value.metadata, kind: R.self, &v)
            value.validate(&v)
            // Skip semantic findings on fields whose type was already wrong.
            let badPaths = decodeDiagnostics.map(\.path)
            diagnostics += v.diagnostics.filter { d in
                !badPaths.contains { bad in d.path == bad || d.path.hasPrefix(bad + ".") || d.path.hasPrefix(bad + "[") }
            }
            if !diagnostics.contains(where: { $0.severity == .error }) {
                result.objects.append(DecodedObject(resource: value, source: SourceLocation(file: file, line: node.line), raw: node))
            }
        }
        result.diagnostics += diagnostics.map { prefixed($0, prefix) }
    }

    private func decodeUnknown(_ node: ManifestNode, apiVersion: String, kind: String, file: String, prefix: FieldPath, into result: inout Result) {
        var diagnostics: [Diagnostic] = []
        var metadata = ObjectMeta()
        if let metaNode = node["metadata"] {
            let (meta, metaDiagnostics) = ManifestDecoding.decode(ObjectMeta.self, from: metaNode, file: file)
            diagnostics += metaDiagnostics.map { prefixed($0, FieldPath([.key("metadata")])) }
            metadata = meta ?? ObjectMeta()
        }
        let unknown = UnknownResource(apiVersion: apiVersion, kind: kind, metadata: metadata, raw: node)
        var v = Validator(file: file, root: node)
        MetadataRules.validate(metadata, kind: UnknownResource.self, &v)
        diagnostics += v.diagnostics
        if diagnostics.isEmpty {
            result.objects.append(DecodedObject(resource: unknown, source: SourceLocation(file: file, line: node.line), raw: node))
        }
        result.diagnostics += diagnostics.map { prefixed($0, prefix) }
    }

    private func prefixed(_ d: Diagnostic, _ prefix: FieldPath) -> Diagnostic {
        guard !prefix.isEmpty else { return d }
        var out = d
        out.path = d.path.isEmpty ? prefix.description : (d.path.hasPrefix("[") ? prefix.description + d.path : "\(prefix).\(d.path)")
        return out
    }
}
