import Crypto
import FoundationEssentials
import SwiftASN1
import TernCore
import X509

/// Signs workload leaves. Pure apart from the clock and randomness, so the identity server, the
/// benchmark and tests share one code path.
public struct LeafIssuer: Sendable {
    public struct Issued: Sendable {
        public let leaf: Certificate
        /// Issuer first, then anything above it short of the anchor.
        public let intermediates: [Certificate]
        public var validUntil: Date { leaf.notValidAfter }
    }

    public let issuer: IssuerCredentials
    public let leafLifetime: Duration
    public let backdate: Duration

    public init(issuer: IssuerCredentials, leafLifetime: Duration = .seconds(24 * 3600), backdate: Duration = .seconds(20)) {
        self.issuer = issuer
        self.leafLifetime = leafLifetime
        self.backdate = backdate
    }

    /// Issues a leaf naming `identity` (DNS + SPIFFE URI SANs, CN = DNS name) for `publicKey`,
    /// usable as both TLS client and server. The lifetime never outlives the issuer, whose
    /// expiry would otherwise make the tail of the leaf's life useless.
    public func issue(for identity: MeshIdentity, publicKey: Certificate.PublicKey, now: Date = Date()) throws -> Issued {
        let notAfter = min(now.addingTimeInterval(leafLifetime.timeInterval), issuer.certificate.notValidAfter)
        let leaf = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-backdate.timeInterval),
            notValidAfter: notAfter,
            issuer: issuer.certificate.subject,
            subject: try DistinguishedName { CommonName(identity.dnsName) },
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                identity.subjectAlternativeNames
                if let issuerKeyID = try? issuer.certificate.extensions.subjectKeyIdentifier {
                    AuthorityKeyIdentifier(keyIdentifier: issuerKeyID.keyIdentifier)
                }
            },
            issuerPrivateKey: issuer.privateKey
        )
        return Issued(leaf: leaf, intermediates: issuer.intermediates)
    }
}
