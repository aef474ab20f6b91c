import Logging
import TernControl
import TernProxy
import TernTLS
import X509

/// Runs a real identity gRPC server on an ephemeral loopback port, plus a client for it, for
/// the duration of `body`.
/// With `tls`, the server serves TLS and the client verifies `clientExpects` (default: the
/// server's own name) against `anchors`.
func withIdentityService<T: Sendable>(
    _ authority: CertifyAuthority,
    tls: IdentityServerTLS? = nil,
    clientExpects: String? = nil,
    anchors: [Certificate] = [],
    _ body: @Sendable (GRPCCertifyClient, Int) async throws -> T
) async throws -> T {
    var logger = Logger(label: "test-identity")
    logger.logLevel = .warning
    let server = IdentityServer(service: IdentityService(authority: authority), host: "127.0.0.1", port: 0, tls: tls, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        let port = try await server.boundPort()
        let client = try GRPCCertifyClient(
            host: "127.0.0.1", port: port, serverName: clientExpects ?? tls?.identity.dnsName, trustAnchors: anchors,
            timeout: .seconds(5))
        group.addTask { try await client.run() }
        let result = try await body(client, port)
        client.shutdown()
        group.cancelAll()
        return result
    }
}

/// Tests assert on outcomes, not logs; warnings and errors still show.
func quietLogger() -> Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    return logger
}
