import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import TernCore
import TernTLS

/// A mesh-TLS echo endpoint: accepts mTLS on the inbound side, answers each message with both
/// verified identities. It is the smallest honest end-to-end check of identity (used by
/// `tern-proxy mesh-echo-server` and the integration tests) and the template for the inbound
/// listener: bind, add mesh server TLS, read the peer identity, serve.
public final class MeshEchoServer: Service, Sendable {
    private let host: String
    private let port: Int
    private let tls: MeshTLS
    private let logger: Logger
    private let onListening: @Sendable (Int) -> Void

    public init(host: String, port: Int, tls: MeshTLS, logger: Logger, onListening: @escaping @Sendable (Int) -> Void) {
        self.host = host
        self.port = port
        self.tls = tls
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        // Mesh traffic is refused until the proxy holds a certificate, so bind only then.
        let ready = await cancelWhenGracefulShutdown { await self.tls.credentials.waitUntilReady() }
        guard ready != nil else { return }
        let tls = self.tls
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try tls.addServerHandlers(to: channel.pipeline.syncOperations)
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        onListening(server.channel.localAddress?.port ?? port)
        let logger = self.logger
        do {
            try await cancelWhenGracefulShutdown {
                try await server.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in connections {
                            group.addTask { await Self.serve(connection, tls: tls, logger: logger) }
                        }
                    }
                }
            }
        } catch is CancellationError where Task.isShuttingDownGracefully {
            // Graceful shutdown cancels the accept loop; that is a clean stop, not a failure.
        }
    }

    private static func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, tls: MeshTLS, logger: Logger) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                for try await message in inbound {
                    let peer = try await connection.channel.meshPeerIdentity().get()
                    let me = tls.credentials.current?.identity
                    let text = String(buffer: message)
                    let reply = "server=\(me?.dnsName ?? "-") client=\(peer?.dnsName ?? "-") echo=\(text)"
                    try await outbound.write(ByteBuffer(string: reply))
                }
            }
        } catch {
            // Rejected handshakes land here with their reason; they are already counted.
            logger.info("mesh connection closed", metadata: ["error": "\(error)"])
        }
    }
}
