import Crypto
import FoundationEssentials
import Logging
import Synchronization
import Testing
import TernControl
import TernCore
import TernProxy
import TernTLS
import X509

@Suite struct RefreshPolicyTests {
    let policy = RefreshPolicy()
    let now = Date()

    @Test func refreshesAtSeventyPercentOfRemainingLife() {
        #expect(policy.delayAfterSuccess(validUntil: now.addingTimeInterval(1000), now: now) == .seconds(700))
        #expect(policy.delayAfterSuccess(validUntil: now.addingTimeInterval(24 * 3600), now: now) == .milliseconds(60_480_000))
    }

    @Test func delayIsBoundedBetweenTenSecondsAndADay() {
        #expect(policy.delayAfterSuccess(validUntil: now.addingTimeInterval(5), now: now) == .seconds(10))
        #expect(policy.delayAfterSuccess(validUntil: now.addingTimeInterval(-5), now: now) == .seconds(10))
        #expect(policy.delayAfterSuccess(validUntil: now.addingTimeInterval(30 * 86400), now: now) == .seconds(86400))
    }

    @Test func failuresBackOffExponentiallyUpToACap() {
        #expect(policy.delayAfterFailure(failures: 1) == .milliseconds(500))
        #expect(policy.delayAfterFailure(failures: 2) == .seconds(1))
        #expect(policy.delayAfterFailure(failures: 4) == .seconds(4))
        #expect(policy.delayAfterFailure(failures: 50) == .seconds(60))
    }
}

/// A Certify client that fails a scripted number of times before delegating to a real CA.
final class FlakyCertifyClient: CertifyClient {
    let failuresLeft: Mutex<Int>
    let authority: CertifyAuthority

    init(failures: Int, authority: CertifyAuthority) {
        self.failuresLeft = Mutex(failures)
        self.authority = authority
    }

    struct Unavailable: Error {}

    func certify(identity: String, token: [UInt8], csr: [UInt8]) async throws -> CertifiedLeaf {
        let fail = failuresLeft.withLock { left -> Bool in
            defer { left -= 1 }
            return left > 0
        }
        if fail { throw Unavailable() }
        let issued = try await authority.certify(identity: identity, token: token, csr: csr)
        return CertifiedLeaf(leaf: issued.leaf, intermediates: issued.intermediates, validUntil: issued.validUntil)
    }
}

@Suite struct CertifierTests {
    let pki = try! TestPKI()
    let tokenKey = LocalTokenKey.generate().key

    @Test func retriesWithBackoffThenInstallsAndExposesMetrics() async throws {
        let web = try pki.identity("web")
        let ca = CertifyAuthority(config: .init(trustDomain: "cluster.local"), issuer: pki.issuer, tokens: LocalTokenVerifier(key: tokenKey))
        let token = Array(tokenKey.mint(namespace: "default", serviceAccount: "web", expiry: Date().addingTimeInterval(600)).utf8)
        var policy = RefreshPolicy()
        policy.initialBackoff = .milliseconds(5)
        let credentials = MeshCredentials(trustAnchors: [pki.anchor.certificate])
        let certifier = Certifier(
            identity: web, credentials: credentials, client: FlakyCertifyClient(failures: 2, authority: ca),
            policy: policy, logger: quietLogger(), token: { token })
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await certifier.run() }
            let snapshot = await credentials.waitUntilReady()
            #expect(snapshot?.identity == web)
            group.cancelAll()
        }
        #expect(certifier.metrics.refreshes(result: "failure") == 2)
        #expect(certifier.metrics.refreshes(result: "ok") == 1)
        let leaf = try #require(credentials.current?.leaf)
        #expect(certifier.metrics.expirationTimestamp == Double(Int64(leaf.notValidAfter.timeIntervalSince1970)))
        let text = certifier.metrics.render()
        #expect(text.contains("control_identity_cert_expiration_timestamp_seconds \(Int64(leaf.notValidAfter.timeIntervalSince1970))\n"))
        #expect(text.contains("control_identity_cert_refresh_timestamp_seconds "))
        #expect(text.contains("control_identity_cert_refreshes_total{result=\"ok\"} 1\n"))
        #expect(text.contains("control_identity_cert_refreshes_total{result=\"failure\"} 2\n"))
    }

    @Test func refusesALeafForAnotherIdentity() async throws {
        let web = try pki.identity("web")
        /// A compromised or buggy identity service answering with someone else's certificate.
        struct WrongIdentityClient: CertifyClient {
            let pki: TestPKI
            func certify(identity: String, token: [UInt8], csr: [UInt8]) async throws -> CertifiedLeaf {
                let key = try CertificateSigningRequest(derEncoded: csr).publicKey
                let issued = try LeafIssuer(issuer: pki.issuer).issue(for: try pki.identity("admin"), publicKey: key)
                return CertifiedLeaf(leaf: issued.leaf, intermediates: issued.intermediates, validUntil: issued.validUntil)
            }
        }
        var policy = RefreshPolicy()
        policy.initialBackoff = .milliseconds(5)
        let credentials = MeshCredentials(trustAnchors: [pki.anchor.certificate])
        let certifier = Certifier(
            identity: web, credentials: credentials, client: WrongIdentityClient(pki: pki), policy: policy,
            logger: quietLogger(), token: { [1] })
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await certifier.run() }
            #expect(await eventually { certifier.metrics.refreshes(result: "failure") >= 2 })
            group.cancelAll()
        }
        #expect(credentials.current == nil)
        #expect(certifier.metrics.refreshes(result: "ok") == 0)
    }
}
