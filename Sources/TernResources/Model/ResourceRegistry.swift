/// Which kinds Tern models, by group and kind. Lookup picks the model type; the version is
/// checked against the versions that model accepts.
public struct ResourceRegistry: Sendable {
    private var types: [ResourceType: any KubeResource.Type] = [:]

    public init(_ models: [any KubeResource.Type]) {
        for m in models { types[m.typeKey] = m }
    }

    public func model(for type: ResourceType) -> (any KubeResource.Type)? { types[type] }

    public var allTypes: [ResourceType] { types.keys.sorted() }

    public mutating func register(_ model: any KubeResource.Type) { types[model.typeKey] = model }

    /// Every kind Tern models.
    public static let standard = ResourceRegistry(ModelCatalog.all)
}
