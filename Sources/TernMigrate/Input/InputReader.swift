import TernResources

/// Reads the files `tern migrate` is given into `MigrationInput`. Istio objects must be valid
/// (a bad one is an error: nothing is translated from half-read configuration). With
/// `lenient` (a `kubectl get -A -o yaml` dump), problems in other kinds only skip the object,
/// since a dump holds much the migration does not need.
public enum InputReader {
    public struct Loaded: Sendable {
        public var input: MigrationInput
        public var errors: [Diagnostic]
        public var warnings: [Diagnostic]
        /// Documents without apiVersion/kind (Helm values) are not objects; kept for the plan.
        public var objects: [DecodedObject]
    }

    public struct File: Sendable {
        public var name: String
        public var bytes: [UInt8]
        public var lenient: Bool

        public init(name: String, bytes: [UInt8], lenient: Bool) {
            self.name = name
            self.bytes = bytes
            self.lenient = lenient
        }
    }

    static let istioGroups: Set<String> = [Istio.networkingGroup, Istio.securityGroup]

    public static func read(_ files: [File], parser: ManifestParser = ManifestParser()) -> Loaded {
        var objects: [DecodedObject] = []
        var errors: [Diagnostic] = []
        var warnings: [Diagnostic] = []
        for file in files {
            let result = parser.parse(bytes: file.bytes, file: file.name)
            objects += result.objects
            let problems = result.errors
            warnings += result.diagnostics.filter { $0.severity == .warning }
            guard file.lenient, !problems.isEmpty else {
                errors += problems
                continue
            }
            let starts = objectStarts(file, parser: parser)
            for d in problems {
                let group = starts.last { $0.line <= d.line }?.group
                if let group, !istioGroups.contains(group) {
                    var w = d
                    w.severity = .warning
                    w.message += " (object skipped; the migration does not need it)"
                    warnings.append(w)
                } else {
                    errors.append(d)
                }
            }
        }
        return Loaded(input: MigrationInput(objects: objects), errors: errors, warnings: warnings, objects: objects)
    }

    /// First line and API group of every object in the file, Lists unpacked.
    private static func objectStarts(_ file: File, parser: ManifestParser) -> [(line: Int, group: String)] {
        var out: [(Int, String)] = []
        func visit(_ node: ManifestNode) {
            let apiVersion = node["apiVersion"]?.scalarText ?? ""
            if let items = node["items"]?.items, (node["kind"]?.scalarText ?? "").hasSuffix("List") {
                items.forEach(visit)
            } else {
                out.append((node.line, splitAPIVersion(apiVersion).group))
            }
        }
        parser.loader.load(bytes: file.bytes, file: file.name).documents.forEach { visit($0.node) }
        return out.sorted { $0.0 < $1.0 }
    }
}
