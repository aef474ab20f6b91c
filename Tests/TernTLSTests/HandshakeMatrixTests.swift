import FoundationEssentials
import Testing
import TernCore
import TernProxy
import TernTLS

/// Real TLS 1.3 handshakes over loopback between mesh credentials, one broken thing at a time.
/// Each rejection must fail the exchange and be counted under its reason on the deciding side.
@Suite struct HandshakeMatrixTests {
    let pki = try! TestPKI()
    var web: MeshIdentity { try! pki.identity("web", "emojivoto") }
    var voting: MeshIdentity { try! pki.identity("voting", "emojivoto") }

    enum Side { case server, client }

    /// Runs one exchange that must fail, and checks `label` was counted on `side`.
    func expectRejected(
        server: MeshTLS, client: MeshTLS, expecting: MeshIdentity, side: Side, label: String
    ) async throws {
        try await withEchoServer(server) { port in
            do {
                let exchange = try await MeshEchoClient.exchange(
                    host: "127.0.0.1", port: port, expected: expecting, message: "hi", tls: client)
                Issue.record("handshake unexpectedly succeeded: \(exchange.reply)")
            } catch let rejection as HandshakeRejection where side == .client {
                #expect(rejection.label == label, "client saw: \(rejection)")
            } catch {
                // The client sees the server's alert; the reason is asserted on the server.
            }
        }
        let deciding = side == .server ? server.stats : client.stats
        #expect(await eventually { deciding.count(label) == 1 }, "counts: \(deciding.snapshot)")
        #expect(server.stats.count("accepted") == 0 || side == .client)
    }

    @Test func rightPairIsAcceptedWithBothIdentities() async throws {
        let server = MeshTLS(credentials: try pki.credentials(try pki.leaf(web)))
        let client = MeshTLS(credentials: try pki.credentials(try pki.leaf(voting)))
        let exchange = try await withEchoServer(server) { port in
            try await MeshEchoClient.exchange(host: "127.0.0.1", port: port, expected: web, message: "hi", tls: client)
        }
        #expect(exchange.server == web)
        #expect(exchange.reply == "server=\(web.dnsName) client=\(voting.dnsName) echo=hi")
        #expect(await eventually { server.stats.count("accepted") == 1 })
        #expect(client.stats.count("accepted") == 1)
    }

    @Test func clientWithoutCertificateIsRejected() async throws {
        let server = MeshTLS(credentials: try pki.credentials(try pki.leaf(web)))
        let answered = try await withEchoServer(server) { port in try await plainTLSClientGetsReply(port: port) }
        #expect(!answered)
        #expect(await eventually { server.stats.count("no_peer_certificate") == 1 }, "\(server.stats.snapshot)")
    }

    @Test func clientFromAnotherTrustAnchorIsRejected() async throws {
        let other = try TestPKI()
        let server = MeshTLS(credentials: try pki.credentials(try pki.leaf(web)))
        let client = MeshTLS(credentials: try other.credentials(try other.leaf(voting), anchors: [pki.anchor.certificate]))
        try await expectRejected(server: server, client: client, expecting: web, side: .server, label: "untrusted")
    }

    @Test func serverFromAnotherTrustAnchorIsRejected() async throws {
        let other = try TestPKI()
        let server = MeshTLS(credentials: try other.credentials(try other.leaf(web), anchors: [pki.anchor.certificate]))
        let client = MeshTLS(credentials: try pki.credentials(try pki.leaf(voting)))
        try await expectRejected(server: server, client: client, expecting: web, side: .client, label: "untrusted")
    }

    @Test func expiredClientLeafIsRejected() async throws {
        let now = Date()
        let expired = try pki.leaf(voting, notBefore: now.addingTimeInterval(-7200), notAfter: now.addingTimeInterval(-3600))
        let server = MeshTLS(credentials: try pki.credentials(try pki.leaf(web)))
        let client = MeshTLS(credentials: try pki.credentials(expired))
        try await expectRejected(server: server, client: client, expecting: web, side: .server, label: "expired")
    }

    @Test func notYetValidServerLeafIsRejected() async throws {
        let now = Date()
        let early = try pki.leaf(web, notBefore: now.addingTimeInterval(3600), notAfter: now.addingTimeInterval(7200))
        let server = MeshTLS(credentials: try pki.credentials(early))
        let client = MeshTLS(credentials: try pki.credentials(try pki.leaf(voting)))
        try await expectRejected(server: server, client: client, expecting: web, side: .client, label: "not_yet_valid")
    }

    @Test func serverWithUnexpectedIdentityIsRejected() async throws {
        let server = MeshTLS(credentials: try pki.credentials(try pki.leaf(web)))
        let client = MeshTLS(credentials: try pki.credentials(try pki.leaf(voting)))
        let emoji = try pki.identity("emoji", "emojivoto")
        try await expectRejected(server: server, client: client, expecting: emoji, side: .client, label: "identity_mismatch")
    }

    @Test func leafWithoutIdentitySANIsRejected() async throws {
        let now = Date()
        let bare = try pki.leaf(web, notBefore: now.addingTimeInterval(-60), notAfter: now.addingTimeInterval(3600), withSAN: false)
        let server = MeshTLS(credentials: try pki.credentials(bare))
        let client = MeshTLS(credentials: try pki.credentials(try pki.leaf(voting)))
        try await expectRejected(server: server, client: client, expecting: web, side: .client, label: "no_identity")
    }

    @Test func peersOnEitherSideOfAnIssuerRotationAccept() async throws {
        let rotated = try pki.rotatedIssuer()
        let server = MeshTLS(credentials: try pki.credentials(try pki.leaf(web)))
        let client = MeshTLS(credentials: try pki.credentials(try pki.leaf(voting, issuer: rotated)))
        let exchange = try await withEchoServer(server) { port in
            try await MeshEchoClient.exchange(host: "127.0.0.1", port: port, expected: web, message: "rotated", tls: client)
        }
        #expect(exchange.reply.hasSuffix("client=\(voting.dnsName) echo=rotated"))
    }

    @Test func anchorBundleWithOldAndNewAnchorAcceptsBoth() async throws {
        let new = try TestPKI()
        let bundle = [pki.anchor.certificate, new.anchor.certificate]
        let server = MeshTLS(credentials: try pki.credentials(try pki.leaf(web), anchors: bundle))
        let client = MeshTLS(credentials: try new.credentials(try new.leaf(try new.identity("voting", "emojivoto")), anchors: bundle))
        let exchange = try await withEchoServer(server) { port in
            try await MeshEchoClient.exchange(host: "127.0.0.1", port: port, expected: web, message: "bundle", tls: client)
        }
        #expect(exchange.server == web)
        #expect(await eventually { server.stats.count("accepted") == 1 })
    }
}
