/// Bounds on what the loader accepts, so hostile input gets an error instead of eating memory
/// or stack. Kubernetes itself stores objects of at most 1.5 MiB, so the defaults are generous.
public struct ManifestLimits: Sendable {
    /// Largest file read at all (a `kubectl get -A -o yaml` dump of a big cluster fits).
    public var maxFileBytes: Int = 64 << 20
    /// Largest single document (object) in a file.
    public var maxDocumentBytes: Int = 4 << 20
    /// Deepest nesting of mappings and lists.
    public var maxDepth: Int = 100
    /// Most nodes a document may expand to once aliases are followed (guards "billion laughs").
    public var maxNodes: Int = 500_000

    public init() {}
    public static let standard = ManifestLimits()
}
