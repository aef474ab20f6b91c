import Crypto
import FoundationEssentials
import GRPCNIOTransportHTTP2
import TernCore
import TernTLS
import X509

/// The identity server's own TLS credentials. Proxies send a bearer token with every Certify
/// call, so the channel must be private and the server proven: the controller signs itself a
/// leaf for the identity service's mesh name (`tern-identity.{cp-ns}.serviceaccount.identity.
/// {cp-ns}.{td}`, as Linkerd's `linkerd-identity…`) with the issuer it serves, and proxies
/// verify it against the same trust anchors as any mesh peer. The key lives only in memory.
public struct IdentityServerTLS: Sendable, CustomStringConvertible {
    public let identity: MeshIdentity
    public let leaf: Certificate
    private let chainDER: [[UInt8]]
    private let keyDER: [UInt8]

    /// The service account the identity service runs as.
    public static let serviceAccount = "tern-identity"

    public static func serviceIdentity(
        controlPlaneNamespace: String = MeshIdentity.defaultControlPlaneNamespace, trustDomain: String
    ) throws -> MeshIdentity {
        try MeshIdentity(
            serviceAccount: serviceAccount, namespace: controlPlaneNamespace,
            controlPlaneNamespace: controlPlaneNamespace, trustDomain: trustDomain)
    }

    /// A leaf valid for as long as the issuer: the server's certificate can never outlive the
    /// issuer it serves, and a new issuer means a controller restart, which issues a new one.
    public static func selfIssued(by issuer: IssuerCredentials, as identity: MeshIdentity, now: Date = Date()) throws -> IdentityServerTLS {
        let key = P256.Signing.PrivateKey()
        let issued = try LeafIssuer(issuer: issuer, leafLifetime: .seconds(100 * 365 * 86400))
            .issue(for: identity, publicKey: .init(key.publicKey), now: now)
        return IdentityServerTLS(
            identity: identity, leaf: issued.leaf,
            chainDER: try ([issued.leaf] + issued.intermediates).map { try $0.derEncoded() },
            keyDER: Array(key.derRepresentation))
    }

    var transportSecurity: HTTP2ServerTransport.Posix.TransportSecurity {
        .tls(certificateChain: chainDER.map { .bytes($0, format: .der) }, privateKey: .bytes(keyDER, format: .der))
    }

    /// Never prints the key.
    public var description: String { "IdentityServerTLS(\(identity.dnsName), valid until \(leaf.notValidAfter))" }
}
