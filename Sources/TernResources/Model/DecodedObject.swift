/// One object read from a manifest: the typed model, where it came from and the raw tree
/// (kept so nothing the model does not cover is lost).
public struct DecodedObject: Sendable {
    public var resource: any KubeResource
    public var source: SourceLocation
    public var raw: ManifestNode

    public init(resource: any KubeResource, source: SourceLocation, raw: ManifestNode) {
        self.resource = resource
        self.source = source
        self.raw = raw
    }

    public var type: ResourceType {
        ResourceType(group: splitAPIVersion(resource.apiVersion).group, kind: resource.kind)
    }

    public var key: ObjectKey {
        let namespaced = Swift.type(of: resource).isNamespaced
        return ObjectKey(type: type, namespace: namespaced ? (resource.metadata.namespace ?? "default") : "",
                         name: resource.metadata.name ?? "")
    }

    /// The model as a concrete type, if it is one.
    public func `as`<R: KubeResource>(_ type: R.Type) -> R? { resource as? R }
}
