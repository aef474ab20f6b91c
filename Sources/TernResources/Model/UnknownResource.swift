/// An object of a kind Tern does not model (a ConfigMap, an Ingress, a CRD of another project).
/// Kept whole, as its raw tree, so nothing is lost; only its metadata is checked.
public struct UnknownResource: KubeResource {
    public static let group = ""
    public static let kind = ""
    public static let versions: [String] = []

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    /// The whole object as written.
    public var raw: ManifestNode

    public init(apiVersion: String, kind: String, metadata: ObjectMeta, raw: ManifestNode) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.raw = raw
    }

    public var resourceType: ResourceType { ResourceType(group: splitAPIVersion(apiVersion).group, kind: kind) }
}
