/// The objects the cluster holds, keyed by kind/namespace/name, with typed queries. A plain
/// value: the control plane owns one behind an actor; tests build one directly. Applying an
/// object identical to the stored one reports `.unchanged`, so sources can re-send freely.
public struct ClusterState: Sendable {
    public enum Change: Sendable, Equatable {
        case added
        case updated
        case unchanged
    }

    private var byType: [ResourceType: [ObjectKey: DecodedObject]] = [:]
    /// Incremented on every effective change; lets consumers skip recomputation.
    public private(set) var generation: UInt64 = 0

    public init() {}

    public init(_ objects: [DecodedObject]) {
        for o in objects { apply(o) }
    }

    @discardableResult
    public mutating func apply(_ object: DecodedObject) -> Change {
        let key = object.key
        let previous = byType[key.type]?[key]
        if let previous, previous.raw == object.raw { return .unchanged }
        byType[key.type, default: [:]][key] = object
        generation &+= 1
        return previous == nil ? .added : .updated
    }

    @discardableResult
    public mutating func delete(_ key: ObjectKey) -> DecodedObject? {
        guard let removed = byType[key.type]?.removeValue(forKey: key) else { return nil }
        if byType[key.type]?.isEmpty == true { byType[key.type] = nil }
        generation &+= 1
        return removed
    }

    public func object(_ key: ObjectKey) -> DecodedObject? { byType[key.type]?[key] }

    public var count: Int { byType.values.reduce(0) { $0 + $1.count } }

    /// Every object, in key order.
    public var allObjects: [DecodedObject] {
        byType.values.flatMap(\.values).sorted { $0.key < $1.key }
    }

    /// All objects of model type `R`, optionally in one namespace, in name order.
    public func all<R: KubeResource>(_ type: R.Type, namespace: String? = nil) -> [R] {
        guard let objects = byType[R.typeKey] else { return [] }
        return objects.values
            .filter { namespace == nil || $0.key.namespace == namespace }
            .sorted { $0.key < $1.key }
            .compactMap { $0.resource as? R }
    }

    /// One object of model type `R`.
    public func get<R: KubeResource>(_ type: R.Type, namespace: String, name: String) -> R? {
        let ns = R.isNamespaced ? namespace : ""
        return byType[R.typeKey]?[ObjectKey(type: R.typeKey, namespace: ns, name: name)]?.resource as? R
    }

    /// Objects of any type (including kinds Tern does not model) by group and kind.
    public func objects(of type: ResourceType) -> [DecodedObject] {
        (byType[type] ?? [:]).values.sorted { $0.key < $1.key }
    }
}
