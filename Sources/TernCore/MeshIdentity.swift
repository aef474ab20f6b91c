/// A workload's mesh identity: the service account it runs as, named the way Linkerd names it.
///
/// Two spellings of the same identity travel in every certificate (DESIGN.md §2):
/// - DNS SAN  `{sa}.{ns}.serviceaccount.identity.{cp-ns}.{trust-domain}` (what Linkerd peers check)
/// - URI SAN  `spiffe://{trust-domain}/ns/{ns}/sa/{sa}` (what SPIFFE-aware peers, e.g. Envoy, check)
/// This type is the single place that prints and parses both, so issuer and verifier cannot drift.
public struct MeshIdentity: Hashable, Sendable, CustomStringConvertible {
    /// The control-plane namespace Tern installs into unless told otherwise.
    public static let defaultControlPlaneNamespace = "tern"

    public let serviceAccount: String
    public let namespace: String
    public let controlPlaneNamespace: String
    public let trustDomain: String

    /// Validates every part, so an identity that exists is always printable and re-parsable.
    public init(
        serviceAccount: String,
        namespace: String,
        controlPlaneNamespace: String = MeshIdentity.defaultControlPlaneNamespace,
        trustDomain: String
    ) throws(MeshIdentityError) {
        // Service accounts may legally be DNS subdomains, but a dot would make the DNS form
        // ambiguous; Linkerd has the same restriction in practice.
        guard KubernetesNames.isDNSLabel(serviceAccount) else {
            throw .invalidPart("service account", serviceAccount, "must be a DNS-1123 label")
        }
        guard KubernetesNames.isDNSLabel(namespace) else {
            throw .invalidPart("namespace", namespace, "must be a DNS-1123 label")
        }
        guard KubernetesNames.isDNSLabel(controlPlaneNamespace) else {
            throw .invalidPart("control-plane namespace", controlPlaneNamespace, "must be a DNS-1123 label")
        }
        guard KubernetesNames.isDNSSubdomain(trustDomain) else {
            throw .invalidPart("trust domain", trustDomain, "must be a DNS name such as cluster.local")
        }
        self.serviceAccount = serviceAccount
        self.namespace = namespace
        self.controlPlaneNamespace = controlPlaneNamespace
        self.trustDomain = trustDomain
    }

    /// `{sa}.{ns}.serviceaccount.identity.{cp-ns}.{trust-domain}`
    public var dnsName: String {
        "\(serviceAccount).\(namespace).serviceaccount.identity.\(controlPlaneNamespace).\(trustDomain)"
    }

    /// `spiffe://{trust-domain}/ns/{ns}/sa/{sa}`
    public var spiffeID: String {
        "spiffe://\(trustDomain)/ns/\(namespace)/sa/\(serviceAccount)"
    }

    public var description: String { dnsName }

    /// Parses the DNS form. Every part is a single label except the trust domain, so the
    /// fixed `serviceaccount.identity` words pin the split unambiguously.
    public init(dnsName: String) throws(MeshIdentityError) {
        let labels = dnsName.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard labels.count >= 6, labels[2] == "serviceaccount", labels[3] == "identity" else {
            throw .malformed(dnsName, "expected {sa}.{ns}.serviceaccount.identity.{control-plane-ns}.{trust-domain}")
        }
        try self.init(
            serviceAccount: labels[0],
            namespace: labels[1],
            controlPlaneNamespace: labels[4],
            trustDomain: labels[5...].joined(separator: ".")
        )
    }

    /// Parses the SPIFFE form. The URI carries no control-plane namespace, so the caller says
    /// which one its mesh uses.
    public init(
        spiffeID: String,
        controlPlaneNamespace: String = MeshIdentity.defaultControlPlaneNamespace
    ) throws(MeshIdentityError) {
        let prefix = "spiffe://"
        guard spiffeID.hasPrefix(prefix) else {
            throw .malformed(spiffeID, "expected spiffe://{trust-domain}/ns/{ns}/sa/{sa}")
        }
        let parts = spiffeID.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[1] == "ns", parts[3] == "sa" else {
            throw .malformed(spiffeID, "expected spiffe://{trust-domain}/ns/{ns}/sa/{sa}")
        }
        try self.init(
            serviceAccount: String(parts[4]),
            namespace: String(parts[2]),
            controlPlaneNamespace: controlPlaneNamespace,
            trustDomain: String(parts[0])
        )
    }
}

/// Why a string is not a mesh identity. Identities are public names, so echoing them is safe.
public enum MeshIdentityError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidPart(String, String, String)
    case malformed(String, String)

    public var description: String {
        switch self {
        case .invalidPart(let part, let value, let rule):
            return "\(part) \"\(value)\" \(rule)"
        case .malformed(let value, let expected):
            return "\"\(value)\" is not a mesh identity: \(expected)"
        }
    }
}
