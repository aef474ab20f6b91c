import Crypto
import FoundationEssentials
import SwiftASN1
import TernCore
import TernTLS
import X509

/// A throwaway PKI per test: an anchor, an issuer, and a way to mint leaves that are valid or
/// broken in exactly one way, so each negative case isolates one reason.
struct TestPKI {
    let trustDomain: String
    let anchor: PKIGenerator.Generated
    let issuer: IssuerCredentials

    init(trustDomain: String = "cluster.local") throws {
        self.trustDomain = trustDomain
        anchor = try PKIGenerator.makeTrustAnchor(trustDomain: trustDomain)
        let generated = try PKIGenerator.makeIssuer(
            trustDomain: trustDomain, signedBy: anchor.certificate, anchorKey: .init(anchor.privateKey))
        issuer = try IssuerCredentials(certificate: generated.certificate, privateKey: .init(generated.privateKey))
    }

    /// A second issuer under the same anchor: what an issuer rotation produces.
    func rotatedIssuer() throws -> IssuerCredentials {
        let generated = try PKIGenerator.makeIssuer(
            trustDomain: trustDomain, signedBy: anchor.certificate, anchorKey: .init(anchor.privateKey))
        return try IssuerCredentials(certificate: generated.certificate, privateKey: .init(generated.privateKey))
    }

    func identity(_ sa: String, _ ns: String = "default") throws -> MeshIdentity {
        try MeshIdentity(serviceAccount: sa, namespace: ns, trustDomain: trustDomain)
    }

    struct Leaf {
        let identity: MeshIdentity
        let key: P256.Signing.PrivateKey
        let certificate: Certificate
        let intermediates: [Certificate]
    }

    /// A correct leaf from `issuer` (default: this PKI's).
    func leaf(_ identity: MeshIdentity, issuer: IssuerCredentials? = nil) throws -> Leaf {
        let key = P256.Signing.PrivateKey()
        let issued = try LeafIssuer(issuer: issuer ?? self.issuer).issue(for: identity, publicKey: .init(key.publicKey))
        return Leaf(identity: identity, key: key, certificate: issued.leaf, intermediates: issued.intermediates)
    }

    /// A leaf broken on purpose: custom validity window and/or SANs.
    func leaf(
        _ identity: MeshIdentity, notBefore: Date, notAfter: Date, withSAN: Bool = true
    ) throws -> Leaf {
        let key = P256.Signing.PrivateKey()
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: issuer.certificate.subject,
            subject: try DistinguishedName { CommonName(identity.dnsName) },
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                if withSAN { identity.subjectAlternativeNames }
            },
            issuerPrivateKey: issuer.privateKey)
        return Leaf(identity: identity, key: key, certificate: certificate, intermediates: issuer.intermediates)
    }

    /// Credentials holding `leaf`, trusting `anchors` (default: this PKI's anchor).
    func credentials(_ leaf: Leaf, anchors: [Certificate]? = nil) throws -> MeshCredentials {
        let credentials = MeshCredentials(trustAnchors: anchors ?? [anchor.certificate])
        try credentials.install(leaf: leaf.certificate, intermediates: leaf.intermediates, key: leaf.key)
        return credentials
    }
}

/// Waits for a condition another task or event loop makes true, failing after `timeout`.
/// For counters updated asynchronously after the side under test has already seen the result.
func eventually(
    timeout: Duration = .seconds(5), _ condition: @Sendable () async -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
