import Crypto
import FoundationEssentials
import Testing
import TernCore
import TernTLS
import X509

#if canImport(Glibc)
import Glibc
#endif

@Suite struct PKITests {
    @Test func anchorAndIssuerFormAChain() async throws {
        let pki = try TestPKI()
        #expect(pki.anchor.certificate.subject == pki.anchor.certificate.issuer)
        #expect(pki.issuer.certificate.issuer == pki.anchor.certificate.subject)
        let anchorLife = pki.anchor.certificate.notValidAfter.timeIntervalSince(pki.anchor.certificate.notValidBefore)
        #expect(abs(anchorLife - (365 * 86400 + 20)) < 5)
        let issuerLife = pki.issuer.certificate.notValidAfter.timeIntervalSince(pki.issuer.certificate.notValidBefore)
        #expect(abs(issuerLife - (48 * 3600 + 20)) < 5)
        try await pki.issuer.validate(against: [pki.anchor.certificate])
    }

    @Test func issuerFromAnotherAnchorIsRefused() async throws {
        let pki = try TestPKI()
        let other = try TestPKI()
        await #expect(throws: PKIError.self) { try await pki.issuer.validate(against: [other.anchor.certificate]) }
    }

    @Test func issuerKeyMustMatchCertificate() throws {
        let pki = try TestPKI()
        #expect(throws: PKIError.self) {
            try IssuerCredentials(certificate: pki.issuer.certificate, privateKey: .init(P256.Signing.PrivateKey()))
        }
    }

    @Test func leafCarriesBothSANsAndIsBackdated() throws {
        let pki = try TestPKI()
        let id = try pki.identity("web", "emojivoto")
        let now = Date()
        let issued = try LeafIssuer(issuer: pki.issuer).issue(for: id, publicKey: .init(P256.Signing.PrivateKey().publicKey), now: now)
        #expect(issued.leaf.meshIdentities == [id])
        #expect(issued.leaf.subjectAlternativeNameStrings == ["DNS:\(id.dnsName)", "URI:\(id.spiffeID)"])
        #expect(abs(issued.leaf.notValidBefore.timeIntervalSince(now) + 20) < 1.5)
        #expect(abs(issued.leaf.notValidAfter.timeIntervalSince(now) - 24 * 3600) < 1.5)
        #expect(issued.intermediates == [pki.issuer.certificate])
    }

    @Test func leafNeverOutlivesItsIssuer() throws {
        let pki = try TestPKI()
        let issuer = LeafIssuer(issuer: pki.issuer, leafLifetime: .seconds(30 * 24 * 3600))
        let issued = try issuer.issue(for: try pki.identity("web"), publicKey: .init(P256.Signing.PrivateKey().publicKey))
        #expect(issued.leaf.notValidAfter == pki.issuer.certificate.notValidAfter)
    }

    @Test func pemFilesRoundTripAndKeysAreOwnerOnly() throws {
        let pki = try TestPKI()
        let dir = "/tmp/tern-pki-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        mkdir(dir, 0o700)
        defer {
            unlink("\(dir)/bundle.crt")
            unlink("\(dir)/issuer.key")
            rmdir(dir)
        }
        let other = try TestPKI()
        try PEMFiles.write(PEMFiles.pem([pki.anchor.certificate, other.anchor.certificate]), toPath: "\(dir)/bundle.crt", mode: 0o644)
        #expect(try PEMFiles.certificates(atPath: "\(dir)/bundle.crt") == [pki.anchor.certificate, other.anchor.certificate])

        let key = P256.Signing.PrivateKey()
        try PEMFiles.write(key.pemRepresentation, toPath: "\(dir)/issuer.key", mode: 0o600)
        var info = stat()
        #expect(stat("\(dir)/issuer.key", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(try PEMFiles.privateKey(atPath: "\(dir)/issuer.key").publicKey == Certificate.PublicKey(key.publicKey))
    }

    @Test func unreadableFilesNameThePathNotTheContent() {
        #expect(throws: PKIError.self) { try PEMFiles.certificates(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", source: "x.pem") }
        do {
            _ = try PEMFiles.certificates(atPath: "/nonexistent/ca.crt")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("/nonexistent/ca.crt"))
        }
    }
}
