/// The objects the cluster holds, keyed by kind/namespace/name, with typed queries. A plain
/// value: the control plane owns one behind an actor; tests build one directly. Applying an
/// object identical to the stored one reports `.unchanged`, so sources can re-send freely.
/// Objects are indexed by type and namespace, since every query the indexes make is one of
/// those (all Pods of a namespace, one Service by name).
public struct ClusterState: Sendable {
    public enum Change: Sendable, Equatable {
        case added
        case updated
        case unchanged
    }

    private var byType: [ResourceType: [String: [String: DecodedObject]]] = [:]
    /// Incremented on every effective change; lets consumers skip recomputation.
    public private(set) var generation: UInt64 = 0
    public private(set) var count = 0

    public init() {}

    public init(_ objects: [DecodedObject]) {
        for o in objects { apply(o) }
    }

    @discardableResult
    public mutating func apply(_ object: DecodedObject) -> Change {
        let key = object.key
        let previous = byType[key.type]?[key.namespace]?[key.name]
        if let previous, previous.raw == object.raw { return .unchanged }
        byType[key.type, default: [:]][key.namespace, default: [:]][key.name] = object
        generation &+= 1
        if previous == nil { count += 1 }
        return previous == nil ? .added : .updated
    }

    @discardableResult
    public mutating func delete(_ key: ObjectKey) -> DecodedObject? {
        guard let removed = byType[key.type]?[key.namespace]?.removeValue(forKey: key.name) else { return nil }
        if byType[key.type]?[key.namespace]?.isEmpty == true { byType[key.type]?[key.namespace] = nil }
        if byType[key.type]?.isEmpty == true { byType[key.type] = nil }
        generation &+= 1
        count -= 1
        return removed
    }

    public func object(_ key: ObjectKey) -> DecodedObject? { byType[key.type]?[key.namespace]?[key.name] }

    /// Every object, in key order.
    public var allObjects: [DecodedObject] {
        byType.values.flatMap { $0.values.flatMap(\.values) }.sorted { $0.key < $1.key }
    }

    /// All objects of model type `R`, optionally in one namespace, in namespace/name order.
    public func all<R: KubeResource>(_ type: R.Type, namespace: String? = nil) -> [R] {
        guard let byNamespace = byType[R.typeKey] else { return [] }
        if let namespace {
            guard let objects = byNamespace[namespace] else { return [] }
            return objects.keys.sorted().compactMap { objects[$0]?.resource as? R }
        }
        return byNamespace.keys.sorted().flatMap { ns in
            let objects = byNamespace[ns]!
            return objects.keys.sorted().compactMap { objects[$0]?.resource as? R }
        }
    }

    /// One object of model type `R`.
    public func get<R: KubeResource>(_ type: R.Type, namespace: String, name: String) -> R? {
        byType[R.typeKey]?[R.isNamespaced ? namespace : ""]?[name]?.resource as? R
    }

    /// Objects of any type (including kinds Tern does not model) by group and kind.
    public func objects(of type: ResourceType) -> [DecodedObject] {
        (byType[type] ?? [:]).values.flatMap(\.values).sorted { $0.key < $1.key }
    }
}
