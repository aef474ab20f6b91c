import Crypto
import FoundationEssentials
import Testing
import TernControl
import TernCore
import TernTLS
import X509

#if canImport(Glibc)
import Glibc
#endif

/// The production path: an operator's own anchor and issuer files, made outside Tern.
@Suite struct BringYourOwnPKITests {
    @Test func opensslIssuerLoadsValidatesAndIssuesVerifiableLeaves() async throws {
        let dir = "/tmp/tern-byo-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        mkdir(dir, 0o700)
        defer {
            for name in ["ca.crt", "issuer.crt", "issuer.key"] { unlink("\(dir)/\(name)") }
            rmdir(dir)
        }
        try PEMFiles.write(OpenSSLFixtures.anchor + "\n", toPath: "\(dir)/ca.crt", mode: 0o644)
        try PEMFiles.write(OpenSSLFixtures.issuerCertificate + "\n", toPath: "\(dir)/issuer.crt", mode: 0o644)
        try PEMFiles.write(OpenSSLFixtures.issuerKey + "\n", toPath: "\(dir)/issuer.key", mode: 0o600)

        let anchors = try PEMFiles.certificates(atPath: "\(dir)/ca.crt")
        let issuer = try IssuerCredentials.load(certificatePath: "\(dir)/issuer.crt", keyPath: "\(dir)/issuer.key")
        try await issuer.validate(against: anchors)

        // Linkerd's own naming: control-plane namespace "linkerd".
        let tokens = LocalTokenKey.generate().key
        let authority = CertifyAuthority(
            config: .init(trustDomain: "cluster.local", controlPlaneNamespace: "linkerd"),
            issuer: issuer, tokens: LocalTokenVerifier(key: tokens))
        let web = try MeshIdentity(serviceAccount: "web", namespace: "emojivoto", controlPlaneNamespace: "linkerd", trustDomain: "cluster.local")
        let token = tokens.mint(namespace: "emojivoto", serviceAccount: "web", expiry: Date().addingTimeInterval(60))
        let issued = try await authority.certify(
            identity: web.dnsName, token: Array(token.utf8), csr: IdentityCSR.make(for: web, key: P256.Signing.PrivateKey()))
        #expect(issued.leaf.issuer == issuer.certificate.subject)
        let verified = try await PeerVerifier(trustAnchors: anchors).verify(presented: [issued.leaf] + issued.intermediates, expected: web)
        #expect(verified.identity.dnsName == "web.emojivoto.serviceaccount.identity.linkerd.cluster.local")
        #expect(verified.chain.last == anchors[0])
    }

    @Test func issuerFromOneHierarchyIsRefusedUnderAnother() async throws {
        let issuer = try IssuerCredentials(
            certificate: try PEMFiles.certificates(pem: OpenSSLFixtures.issuerCertificate, source: "fixture")[0],
            privateKey: try Certificate.PrivateKey(pemEncoded: OpenSSLFixtures.issuerKey))
        let tern = try TestPKI()
        await #expect(throws: PKIError.self) { try await issuer.validate(against: [tern.anchor.certificate]) }
    }
}
