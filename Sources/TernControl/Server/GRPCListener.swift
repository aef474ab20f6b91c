import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ServiceLifecycle

/// Serves a set of gRPC services on one address as a lifecycle `Service`: runs until the group
/// shuts down, then stops accepting calls and lets in-flight ones finish. Streams that never
/// finish on their own (watches) end when the store closes them at shutdown.
public final class GRPCListener: Service, Sendable {
    public let name: String
    public let host: String
    public let port: Int
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let transport: HTTP2ServerTransport.Posix
    private let logger: Logger
    private let onShutdown: @Sendable () async -> Void

    public init(name: String, host: String, port: Int, services: [any RegistrableRPCService],
                transportSecurity: HTTP2ServerTransport.Posix.TransportSecurity = .plaintext,
                logger: Logger, onShutdown: @escaping @Sendable () async -> Void = {}) {
        self.name = name
        self.host = host
        self.port = port
        self.logger = logger
        self.onShutdown = onShutdown
        self.transport = HTTP2ServerTransport.Posix(address: host.contains(":") ? .ipv6(host: host, port: port) : .ipv4(host: host, port: port),
                                                    transportSecurity: transportSecurity)
        self.server = GRPCServer(transport: transport, services: services)
    }

    /// The bound port once listening (port 0 lets the kernel pick, for tests).
    public func boundPort() async throws -> Int {
        let address = try await transport.listeningAddress
        if let v4 = address.ipv4 { return v4.port }
        if let v6 = address.ipv6 { return v6.port }
        throw GRPCListenerError.notListening(name)
    }

    public func run() async throws {
        // Children report whether they were the server itself: the listener lives exactly as
        // long as serve(), and the shutdown watcher is cancelled when serve() ends first.
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await self.server.serve()
                return true
            }
            group.addTask {
                if let port = try? await self.boundPort() {
                    self.logger.info("\(self.name) server listening", metadata: ["address": "\(self.host):\(port)"])
                }
                // On graceful shutdown: stop accepting, then end the open watch streams so
                // in-flight calls finish and serve() returns. Cancelled (serve ended first): done.
                guard (try? await gracefulShutdown()) != nil else { return false }
                self.server.beginGracefulShutdown()
                await self.onShutdown()
                return false
            }
            while let wasServer = try await group.next() {
                if wasServer { group.cancelAll() }
            }
        }
        logger.info("\(name) server stopped")
    }
}

public enum GRPCListenerError: Error, CustomStringConvertible {
    case notListening(String)
    public var description: String {
        switch self {
        case .notListening(let name): return "the \(name) server is not listening on an IP address"
        }
    }
}
