/// What an inbound port allows when no Server selects it (Linkerd's default inbound policies).
public enum DefaultPolicy: String, Hashable, Sendable, Codable, CaseIterable {
    case allUnauthenticated = "all-unauthenticated"
    case allAuthenticated = "all-authenticated"
    case clusterUnauthenticated = "cluster-unauthenticated"
    case clusterAuthenticated = "cluster-authenticated"
    case deny
    /// Allow everything but record what would be denied.
    case audit

    public static let annotation = "config.linkerd.io/default-inbound-policy"
}
