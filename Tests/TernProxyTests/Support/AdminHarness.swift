import Crypto
import Logging
import NIOCore
import TernCore
import TernTLS
import Testing
import X509

@testable import TernProxy

/// An admin server on an ephemeral loopback port with real dependencies behind it.
struct AdminHarness {
    let registry: MetricsRegistry
    let identityMetrics: IdentityMetrics
    let logLevel: LogLevelControl
    let credentials: MeshCredentials
    let anchor: PKIGenerator.Generated
    let server: AdminServer

    init() throws {
        let anchor = try PKIGenerator.makeTrustAnchor(trustDomain: "cluster.local")
        let credentials = MeshCredentials(trustAnchors: [anchor.certificate])
        let registry = MetricsRegistry()
        let identityMetrics = IdentityMetrics()
        let logLevel = LogLevelControl(.info)
        _ = TransportMetrics(registry: registry)
        registry.register(identityMetrics)
        registry.register(ProcessMetrics())
        self.anchor = anchor
        self.credentials = credentials
        self.registry = registry
        self.identityMetrics = identityMetrics
        self.logLevel = logLevel
        server = AdminServer(
            configuration: .init(host: "127.0.0.1", port: 0), metrics: registry,
            readiness: Readiness.certificateHeld(credentials), logLevel: logLevel,
            logger: Logger(label: "admin-test"))
    }

    /// Issues and installs a leaf, as the certifier does after a successful Certify.
    func holdCertificate() throws {
        let issuerKey = try PKIGenerator.makeIssuer(
            trustDomain: "cluster.local", signedBy: anchor.certificate, anchorKey: .init(anchor.privateKey))
        let issuer = LeafIssuer(
            issuer: try IssuerCredentials(certificate: issuerKey.certificate, privateKey: .init(issuerKey.privateKey)))
        let key = P256Key()
        let identity = try MeshIdentity(dnsName: "web.emojivoto.serviceaccount.identity.tern.cluster.local")
        let issued = try issuer.issue(for: identity, publicKey: key.certificatePublicKey)
        try credentials.install(leaf: issued.leaf, intermediates: issued.intermediates, key: key.key)
    }

    /// Runs the server for the duration of `body`, then stops it.
    func withRunning(_ body: (Int) async throws -> Void) async throws {
        let server = self.server
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await waitForPort()
            try await body(port)
            group.cancelAll()
        }
    }

    func waitForPort() async throws -> Int {
        for _ in 0..<500 {
            if let port = server.boundPort { return port }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw HarnessError.neverListened
    }

    enum HarnessError: Error { case neverListened }
}
