import Crypto
import FoundationEssentials
import GRPCCore
import Testing
import TernControl
import TernCore
import TernProxy
import TernTLS

/// Certify over real gRPC on loopback: the happy path and statuses that say what was wrong.
@Suite struct IdentityServiceTests {
    let pki = try! TestPKI()
    let tokenKey = LocalTokenKey.generate().key

    func authority() -> CertifyAuthority {
        CertifyAuthority(config: .init(trustDomain: "cluster.local"), issuer: pki.issuer, tokens: LocalTokenVerifier(key: tokenKey))
    }

    func token(_ sa: String) -> [UInt8] {
        Array(tokenKey.mint(namespace: "default", serviceAccount: sa, expiry: Date().addingTimeInterval(600)).utf8)
    }

    @Test func certifyReturnsAVerifiableChain() async throws {
        let web = try pki.identity("web")
        let issued = try await withIdentityService(authority()) { client, _ in
            try await client.certify(identity: web.dnsName, token: token("web"), csr: IdentityCSR.make(for: web, key: .init()))
        }
        #expect(issued.leaf.meshIdentities == [web])
        #expect(Int64(issued.validUntil.timeIntervalSince1970) == Int64(issued.leaf.notValidAfter.timeIntervalSince1970))
        let verified = try await PeerVerifier(trustAnchors: [pki.anchor.certificate])
            .verify(presented: [issued.leaf] + issued.intermediates, expected: web)
        #expect(verified.identity == web)
    }

    @Test func failuresAreStatusesThatSayWhatWasWrong() async throws {
        let web = try pki.identity("web")
        let db = try pki.identity("db")
        let ca = authority()
        let secret = "tern-local.v1.default.web.9999999999.deadbeefdeadbeef"
        let cases: [(token: [UInt8], csr: [UInt8], code: RPCError.Code, says: String)] = [
            ([], try IdentityCSR.make(for: web, key: .init()), .unauthenticated, "no token"),
            (Array(secret.utf8), try IdentityCSR.make(for: web, key: .init()), .unauthenticated, "not accepted"),
            (token("db"), try IdentityCSR.make(for: web, key: .init()), .permissionDenied, "default/db"),
            (token("web"), try IdentityCSR.make(for: db, key: .init()), .invalidArgument, db.dnsName),
            (token("web"), Array("garbage".utf8), .invalidArgument, "PKCS#10"),
        ]
        try await withIdentityService(ca) { client, _ in
            for c in cases {
                do {
                    _ = try await client.certify(identity: web.dnsName, token: c.token, csr: c.csr)
                    Issue.record("Certify accepted a bad request (\(c.says))")
                } catch let error as RPCError {
                    #expect(error.code == c.code)
                    #expect(error.message.contains(c.says), "message: \(error.message)")
                    #expect(!error.message.contains("deadbeef"))
                }
            }
        }
        #expect(ca.stats.count("ok") == 0)
        #expect(ca.stats.count("unauthenticated") == 2)
        #expect(ca.stats.count("permission_denied") == 1)
        #expect(ca.stats.count("invalid_csr") == 2)
    }

    @Test func certifyOverTLSVerifiesTheIdentityServersName() async throws {
        let ca = authority()
        let web = try pki.identity("web")
        let serverIdentity = try IdentityServerTLS.serviceIdentity(trustDomain: "cluster.local")
        let tls = try IdentityServerTLS.selfIssued(by: pki.issuer, as: serverIdentity)
        #expect(!"\(tls)".contains("PRIVATE"))
        let issued = try await withIdentityService(ca, tls: tls, anchors: [pki.anchor.certificate]) { client, _ in
            try await client.certify(identity: web.dnsName, token: token("web"), csr: IdentityCSR.make(for: web, key: .init()))
        }
        #expect(issued.leaf.meshIdentities == [web])

        // A client expecting another name (or trusting another anchor) never sends its token.
        let impostorName = try pki.identity("evil").dnsName
        await #expect(throws: (any Error).self) {
            try await withIdentityService(ca, tls: tls, clientExpects: impostorName, anchors: [pki.anchor.certificate]) { client, _ in
                try await client.certify(identity: web.dnsName, token: token("web"), csr: IdentityCSR.make(for: web, key: .init()))
            }
        }
        let other = try TestPKI()
        await #expect(throws: (any Error).self) {
            try await withIdentityService(ca, tls: tls, anchors: [other.anchor.certificate]) { client, _ in
                try await client.certify(identity: web.dnsName, token: token("web"), csr: IdentityCSR.make(for: web, key: .init()))
            }
        }
        #expect(ca.stats.count("ok") == 1)
    }
}
