import Logging
import NIOCore
import NIOPosix
import NIOSSL
import TernProxy
import TernTLS

/// Runs a mesh echo server on an ephemeral loopback port for the duration of `body`.
func withEchoServer<T: Sendable>(_ tls: MeshTLS, _ body: @Sendable (Int) async throws -> T) async throws -> T {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        var logger = Logger(label: "test-echo")
        logger.logLevel = .warning
        let server = MeshEchoServer(host: "127.0.0.1", port: 0, tls: tls, logger: logger) {
            continuation.yield($0)
        }
        group.addTask { try await server.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw MeshEchoError.closedWithoutReply }
        let result = try await body(port)
        group.cancelAll()
        return result
    }
}

/// A TLS 1.3 client that presents no certificate and trusts anything: the "unmeshed client"
/// of the negative matrix. Returns whether the server answered.
func plainTLSClientGetsReply(port: Int) async throws -> Bool {
    var config = TLSConfiguration.makeClientConfiguration()
    config.minimumTLSVersion = .tlsv13
    config.certificateVerification = .none
    let context = try NIOSSLContext(configuration: config)
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    do {
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "hello?"))
            var iterator = inbound.makeAsyncIterator()
            return try await iterator.next() != nil
        }
    } catch {
        return false
    }
}
