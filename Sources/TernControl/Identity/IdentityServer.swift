import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ServiceLifecycle
import Synchronization

/// Serves the identity gRPC API (port 8080 by default) as a lifecycle `Service`: runs until
/// the service group shuts down, then stops accepting calls and lets in-flight ones finish.
/// With `tls` nil it serves plaintext: only for tests and benchmarks on loopback, since
/// Certify requests carry bearer tokens.
public final class IdentityServer: Service, Sendable {
    public let host: String
    public let port: Int
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let transport: HTTP2ServerTransport.Posix
    private let logger: Logger
    private let onListening: @Sendable (Int) -> Void

    public init(
        service: IdentityService, host: String = "0.0.0.0", port: Int = 8080, tls: IdentityServerTLS?,
        logger: Logger, onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.host = host
        self.port = port
        self.logger = logger
        self.onListening = onListening
        self.transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: host, port: port),
            transportSecurity: tls?.transportSecurity ?? .plaintext)
        self.server = GRPCServer(transport: transport, services: [service])
    }

    /// The bound port, once listening: with port 0 the kernel picks one (tests, benchmarks).
    public func boundPort() async throws -> Int {
        guard let port = try await transport.listeningAddress.ipv4?.port else {
            throw IdentityServerError.notListening
        }
        return port
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await self.server.serve() }
                // Reported once bound (a port-0 server only knows its port then); the child ends
                // on its own, so the group lives exactly as long as the server.
                group.addTask {
                    // If binding fails, serve() throws the real cause (e.g. address in use);
                    // this child must not mask it with "no listening address".
                    guard let port = try? await self.boundPort() else { return }
                    self.logger.info("identity server listening", metadata: ["address": "\(self.host):\(port)"])
                    self.onListening(port)
                }
            }
            logger.info("identity server stopped")
        } onGracefulShutdown: {
            self.server.beginGracefulShutdown()
        }
    }
}

public enum IdentityServerError: Error, CustomStringConvertible {
    case notListening
    public var description: String { "the identity server is not listening on an IPv4 address" }
}
