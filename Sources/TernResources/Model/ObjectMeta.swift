/// The metadata Tern reads from every object. Labels and annotations are kept verbatim.
public struct ObjectMeta: Codable, Sendable, Hashable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?
    public var uid: String?
    public var resourceVersion: String?

    public init(name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil, annotations: [String: String]? = nil) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
    }

    public func annotation(_ key: String) -> String? { annotations?[key] }
    public func label(_ key: String) -> String? { labels?[key] }
}

/// Who owns an object (Pod → ReplicaSet → Deployment); used to name a pod's workload.
public struct OwnerReference: Codable, Sendable, Hashable {
    public var apiVersion: String?
    public var kind: String?
    public var name: String?
    public var uid: String?
    public var controller: Bool?

    public init(apiVersion: String? = nil, kind: String? = nil, name: String? = nil, controller: Bool? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.controller = controller
    }
}
