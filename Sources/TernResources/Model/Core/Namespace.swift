/// A namespace; Tern reads its annotations (default inbound policy, injection).
public struct Namespace: KubeResource {
    public static let group = ""
    public static let kind = "Namespace"
    public static let versions = ["v1"]
    public static let isNamespaced = false

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta

    public init(name: String, annotations: [String: String]? = nil, labels: [String: String]? = nil) {
        apiVersion = Self.preferredAPIVersion
        kind = Self.kind
        metadata = ObjectMeta(name: name, labels: labels, annotations: annotations)
    }
}

/// A service account: the identity workloads run as.
public struct ServiceAccount: KubeResource {
    public static let group = ""
    public static let kind = "ServiceAccount"
    public static let versions = ["v1"]

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
}

/// A Secret, by metadata only: Tern never reads, keeps or prints secret values
/// (`data` and `stringData` are dropped before decoding).
public struct Secret: KubeResource {
    public static let group = ""
    public static let kind = "Secret"
    public static let versions = ["v1"]

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var type: String?
}
