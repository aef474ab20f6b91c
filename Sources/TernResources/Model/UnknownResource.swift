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

extension UnknownResource {
    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata
    }

    /// Decodes the whole object as its raw tree, reading only the header fields as typed.
    public init(from decoder: any Decoder) throws {
        let raw = try ManifestNode(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(apiVersion: try c.decode(String.self, forKey: .apiVersion),
                  kind: try c.decode(String.self, forKey: .kind),
                  metadata: try c.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta(),
                  raw: raw)
    }

    /// Writes the object back exactly as it was read.
    public func encode(to encoder: any Encoder) throws {
        try raw.encode(to: encoder)
    }
}
