import TernResources

/// One input field that did not carry over verbatim: what, where, why and what to do.
public struct Finding: Codable, Sendable, Hashable {
    public enum Severity: String, Codable, Sendable, Hashable, Comparable, CaseIterable {
        /// Dropped or reshaped with no effect on traffic (or an exact equivalent was emitted).
        case info
        /// Traffic will behave differently under Tern unless the user acts.
        case behaviourChange = "behaviour-change"
        /// Traffic that Istio denied (or authenticated) may be allowed, or vice versa.
        case securityRelevant = "security-relevant"

        var rank: Int { Self.allCases.firstIndex(of: self)! }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public var severity: Severity
    /// `VirtualService faces/smiley-delay`.
    public var object: String
    /// `faces.yaml:42`: the line of the field (or of the object when the field is absent).
    public var location: String
    /// `spec.http[0].corsPolicy`.
    public var field: String
    public var why: String
    public var action: String

    public init(severity: Severity, object: String, location: String, field: String, why: String, action: String) {
        self.severity = severity
        self.object = object
        self.location = location
        self.field = field
        self.why = why
        self.action = action
    }
}

/// An input object as findings name it: kind, namespace/name and where it was read.
public struct ObjectRef: Sendable, Hashable {
    public var kind: String
    public var namespace: String
    public var name: String
    public var file: String
    public var raw: ManifestNode

    public init(kind: String, namespace: String, name: String, file: String, raw: ManifestNode) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.file = file
        self.raw = raw
    }

    init(_ object: DecodedObject) {
        self.init(kind: object.resource.kind, namespace: object.resource.namespace, name: object.resource.name,
                  file: object.source.file, raw: object.raw)
    }

    public var description: String { namespace.isEmpty ? "\(kind) \(name)" : "\(kind) \(namespace)/\(name)" }

    /// `file:line` of `path` in the object (the nearest existing parent when absent).
    func location(of path: FieldPath) -> String {
        let line = raw.locate(path).node.line
        return "\(file):\(line > 0 ? line : raw.line)"
    }
}
