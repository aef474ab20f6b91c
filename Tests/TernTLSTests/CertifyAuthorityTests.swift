import Crypto
import FoundationEssentials
import Testing
import TernControl
import TernCore
import TernTLS
import X509

@Suite struct CertifyAuthorityTests {
    let pki = try! TestPKI()
    let tokenKey = LocalTokenKey.generate().key

    func authority() -> CertifyAuthority {
        CertifyAuthority(config: .init(trustDomain: "cluster.local"), issuer: pki.issuer, tokens: LocalTokenVerifier(key: tokenKey))
    }

    func token(_ ns: String, _ sa: String, expiresIn: TimeInterval = 3600) -> [UInt8] {
        Array(tokenKey.mint(namespace: ns, serviceAccount: sa, expiry: Date().addingTimeInterval(expiresIn)).utf8)
    }

    @Test func issuesALeafForTheCallersIdentity() async throws {
        let ca = authority()
        let web = try pki.identity("web", "emojivoto")
        let key = P256.Signing.PrivateKey()
        let issued = try await ca.certify(identity: web.dnsName, token: token("emojivoto", "web"), csr: IdentityCSR.make(for: web, key: key))
        #expect(issued.leaf.meshIdentities == [web])
        #expect(issued.leaf.publicKey == Certificate.PublicKey(key.publicKey))
        #expect(ca.stats.count("ok") == 1)
        let verified = try await PeerVerifier(trustAnchors: [pki.anchor.certificate])
            .verify(presented: [issued.leaf] + issued.intermediates, expected: web)
        #expect(verified.identity == web)
    }

    @Test func absentTokenIsUnauthenticated() async throws {
        let ca = authority()
        let web = try pki.identity("web")
        await #expect(throws: CertifyFailure.unauthenticated("no token was sent")) {
            try await ca.certify(identity: web.dnsName, token: [], csr: IdentityCSR.make(for: web, key: .init()))
        }
        #expect(ca.stats.count("unauthenticated") == 1)
    }

    @Test func badTokensAreUnauthenticatedAndNeverEchoed() async throws {
        let ca = authority()
        let web = try pki.identity("web")
        let otherKey = LocalTokenKey.generate().key
        let forged = otherKey.mint(namespace: "default", serviceAccount: "web", expiry: Date().addingTimeInterval(60))
        let expired = tokenKey.mint(namespace: "default", serviceAccount: "web", expiry: Date().addingTimeInterval(-60))
        for bad in [forged, expired, "sekrit-garbage-token"] {
            let csr = try IdentityCSR.make(for: web, key: .init())
            do {
                _ = try await ca.certify(identity: web.dnsName, token: Array(bad.utf8), csr: csr)
                Issue.record("accepted a bad token")
            } catch {
                #expect(error.label == "unauthenticated")
                #expect(!error.description.contains(bad))
                #expect(!error.description.contains(String(bad.suffix(16))))
            }
        }
        #expect(ca.stats.count("unauthenticated") == 3)
    }

    @Test func tokenForAnotherServiceAccountIsDenied() async throws {
        let ca = authority()
        let web = try pki.identity("web")
        await #expect(throws: CertifyFailure.permissionDenied(
            "the token is for service account default/db, not default/web")) {
            try await ca.certify(identity: web.dnsName, token: token("default", "db"), csr: IdentityCSR.make(for: web, key: .init()))
        }
    }

    @Test func csrForSomeoneElsesIdentityIsRefused() async throws {
        let ca = authority()
        let web = try pki.identity("web")
        let db = try pki.identity("db")
        // A valid token for web, but the CSR asks for db's name.
        await #expect(throws: CertifyFailure.invalidCSR("the CSR asks for CN \(db.dnsName), which is not the caller's identity")) {
            try await ca.certify(identity: web.dnsName, token: token("default", "web"), csr: IdentityCSR.make(for: db, key: .init()))
        }
        #expect(ca.stats.count("invalid_csr") == 1)
    }

    @Test func garbageCSRIsRefused() async throws {
        let ca = authority()
        let web = try pki.identity("web")
        await #expect(throws: CertifyFailure.invalidCSR("the CSR is not a DER-encoded PKCS#10 request")) {
            try await ca.certify(identity: web.dnsName, token: token("default", "web"), csr: Array("garbage".utf8))
        }
    }

    @Test func identityOutsideTheMeshIsRefused() async throws {
        let ca = authority()
        let foreign = try MeshIdentity(serviceAccount: "web", namespace: "default", trustDomain: "other.example")
        await #expect(throws: CertifyFailure.self) {
            try await ca.certify(identity: foreign.dnsName, token: token("default", "web"), csr: IdentityCSR.make(for: foreign, key: .init()))
        }
        await #expect(throws: CertifyFailure.self) {
            try await ca.certify(identity: "not-an-identity", token: token("default", "web"), csr: [])
        }
        #expect(ca.stats.count("invalid_identity") == 2)
    }

    @Test func issuerRotationSignsLaterLeavesWithTheNewIssuer() async throws {
        let ca = authority()
        let web = try pki.identity("web")
        let before = try await ca.certify(identity: web.dnsName, token: token("default", "web"), csr: IdentityCSR.make(for: web, key: .init()))
        let rotated = try pki.rotatedIssuer()
        ca.replaceIssuer(rotated)
        let after = try await ca.certify(identity: web.dnsName, token: token("default", "web"), csr: IdentityCSR.make(for: web, key: .init()))
        #expect(before.intermediates == [pki.issuer.certificate])
        #expect(after.intermediates == [rotated.certificate])
        let verifier = PeerVerifier(trustAnchors: [pki.anchor.certificate])
        _ = try await verifier.verify(presented: [before.leaf] + before.intermediates, expected: web)
        _ = try await verifier.verify(presented: [after.leaf] + after.intermediates, expected: web)
    }
}
