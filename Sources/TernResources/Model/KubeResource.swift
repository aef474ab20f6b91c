/// A Kubernetes-style object Tern understands. Each conforming model declares its API group,
/// kind and the versions Tern accepts, decodes itself with Codable (fields optional, so a bad
/// field is reported without hiding the rest) and checks its semantics in `validate`.
public protocol KubeResource: Codable, Sendable, Equatable {
    /// API group; "" for the core group (`v1`).
    static var group: String { get }
    static var kind: String { get }
    /// Versions accepted, in preference order (the first is what Tern emits).
    static var versions: [String] { get }
    /// False for cluster-scoped kinds (Namespace, GatewayClass).
    static var isNamespaced: Bool { get }

    var apiVersion: String { get }
    var kind: String { get }
    var metadata: ObjectMeta { get }

    /// Semantic checks beyond types; the default checks only metadata.
    func validate(_ v: inout Validator)
}

extension KubeResource {
    public static var isNamespaced: Bool { true }

    /// `group/version` for the preferred version, or just the version for the core group.
    public static var preferredAPIVersion: String { apiVersion(version: versions[0]) }

    public static func apiVersion(version: String) -> String { group.isEmpty ? version : "\(group)/\(version)" }

    public static var typeKey: ResourceType { ResourceType(group: group, kind: kind) }

    public func validate(_ v: inout Validator) {}

    public var name: String { metadata.name ?? "" }
    /// The object's namespace, "default" when the manifest leaves it out (as kubectl does).
    public var namespace: String { Self.isNamespaced ? (metadata.namespace ?? "default") : "" }
    public var key: ObjectKey { ObjectKey(type: Self.typeKey, namespace: namespace, name: name) }
}

/// A group + kind pair, version-independent.
public struct ResourceType: Hashable, Sendable, CustomStringConvertible, Comparable {
    public var group: String
    public var kind: String

    public init(group: String, kind: String) {
        self.group = group
        self.kind = kind
    }

    public var description: String { group.isEmpty ? kind : "\(kind).\(group)" }
    public static func < (a: ResourceType, b: ResourceType) -> Bool { (a.kind, a.group) < (b.kind, b.group) }
}

/// The identity of an object in cluster state: kind/namespace/name.
public struct ObjectKey: Hashable, Sendable, CustomStringConvertible, Comparable {
    public var type: ResourceType
    public var namespace: String
    public var name: String

    public init(type: ResourceType, namespace: String, name: String) {
        self.type = type
        self.namespace = namespace
        self.name = name
    }

    public var description: String { namespace.isEmpty ? "\(type)/\(name)" : "\(type)/\(namespace)/\(name)" }
    /// Orders by kind, namespace, name without building strings (sorting is on hot paths).
    public static func < (a: ObjectKey, b: ObjectKey) -> Bool {
        if a.type != b.type { return a.type < b.type }
        return (a.namespace, a.name) < (b.namespace, b.name)
    }
}

/// Splits `apiVersion` into group and version (`apps/v1` → ("apps", "v1"), `v1` → ("", "v1")).
public func splitAPIVersion(_ apiVersion: String) -> (group: String, version: String) {
    guard let slash = apiVersion.lastIndex(of: "/") else { return ("", apiVersion) }
    return (String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...]))
}
