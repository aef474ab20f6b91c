/// Annotations to add to an object that already exists in the cluster (a workload's pod
/// template, a Service). Emitted as a `kubectl patch` command rather than a manifest, because
/// re-applying a whole Deployment or Service from a migration would overwrite the user's own.
public struct AnnotationPatch: Codable, Sendable, Hashable, Comparable {
    public enum Target: String, Codable, Sendable, Hashable {
        /// `metadata.annotations` of the object.
        case object
        /// `spec.template.metadata.annotations` of a workload (takes effect on restart).
        case podTemplate
    }

    public var kind: String
    public var namespace: String
    public var name: String
    public var target: Target
    public var annotations: [String: String]
    /// Which input produced it (`PeerAuthentication faces/strict`).
    public var source: String

    public init(kind: String, namespace: String, name: String, target: Target, annotations: [String: String], source: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.target = target
        self.annotations = annotations
        self.source = source
    }

    public static func < (a: AnnotationPatch, b: AnnotationPatch) -> Bool {
        (a.namespace, a.kind, a.name, a.source) < (b.namespace, b.kind, b.name, b.source)
    }

    /// A merge patch the user can run as is.
    public var command: String {
        let pairs = annotations.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
        let body = target == .podTemplate
            ? "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\(pairs)}}}}}"
            : "{\"metadata\":{\"annotations\":{\(pairs)}}}"
        return "kubectl patch \(kind.lowercased()) -n \(namespace) \(name) --type=merge -p '\(body)'"
    }
}
