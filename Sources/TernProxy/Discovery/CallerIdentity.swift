/// Who this proxy is when it asks the destination service: the controller may answer
/// consumer-specific views and names callers in its logs.
public struct CallerIdentity: Hashable, Sendable {
    public var namespace: String
    /// The pod (or workload) name.
    public var workload: String
    /// The proxy's mesh identity in DNS form, when it has one.
    public var identity: String?

    public init(namespace: String = "", workload: String = "", identity: String? = nil) {
        self.namespace = namespace
        self.workload = workload
        self.identity = identity
    }
}
