import Crypto
import FoundationEssentials
import SwiftASN1
import X509

/// Creates the two CA levels `tern identity init` writes: a long-lived self-signed trust anchor
/// and a short-lived issuer it signs. Keeping the anchor offline and rotating only the issuer is
/// the operating model Linkerd documents; generating both here is the quick-start path.
public enum PKIGenerator {
    public struct Generated: Sendable {
        public let certificate: Certificate
        public let privateKey: P256.Signing.PrivateKey
    }

    public static func makeTrustAnchor(
        trustDomain: String,
        validity: Duration = .seconds(365 * 24 * 3600),
        now: Date = Date()
    ) throws -> Generated {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("root.\(trustDomain)") }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-clockSkewAllowance),
            notValidAfter: now.addingTimeInterval(validity.timeInterval),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(key.publicKey))
            },
            issuerPrivateKey: .init(key)
        )
        return Generated(certificate: certificate, privateKey: key)
    }

    /// An intermediate that may sign leaves only (path length 0).
    public static func makeIssuer(
        trustDomain: String,
        signedBy anchor: Certificate,
        anchorKey: Certificate.PrivateKey,
        validity: Duration = .seconds(48 * 3600),
        now: Date = Date()
    ) throws -> Generated {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName("identity.tern.\(trustDomain)") }
        let notAfter = min(now.addingTimeInterval(validity.timeInterval), anchor.notValidAfter)
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-clockSkewAllowance),
            notValidAfter: notAfter,
            issuer: anchor.subject,
            subject: subject,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(key.publicKey))
                if let anchorKeyID = try? anchor.extensions.subjectKeyIdentifier {
                    AuthorityKeyIdentifier(keyIdentifier: anchorKeyID.keyIdentifier)
                }
            },
            issuerPrivateKey: anchorKey
        )
        return Generated(certificate: certificate, privateKey: key)
    }

    /// Certificates are back-dated so a peer whose clock runs slightly behind accepts them.
    public static let clockSkewAllowance: TimeInterval = 20
}

extension Duration {
    /// Seconds as a `TimeInterval`, for arithmetic with `Date`.
    public var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
