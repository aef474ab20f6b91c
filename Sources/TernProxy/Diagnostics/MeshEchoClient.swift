import NIOCore
import NIOPosix
import TernCore
import TernTLS

/// Dials a mesh endpoint over mTLS, expecting `expected` as the server identity, sends one
/// message and returns the verified server identity with the reply. The outbound half of the
/// echo check; the proxy's endpoint connector follows the same steps.
public enum MeshEchoClient {
    public struct Exchange: Sendable {
        public let server: MeshIdentity
        public let reply: String
    }

    public static func exchange(
        host: String, port: Int, expected: MeshIdentity, message: String, tls: MeshTLS
    ) async throws -> Exchange {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try tls.addClientHandlers(to: channel.pipeline.syncOperations, expecting: expected)
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: message))
            var iterator = inbound.makeAsyncIterator()
            guard let reply = try await iterator.next() else { throw MeshEchoError.closedWithoutReply }
            guard let server = try await channel.channel.meshPeerIdentity().get() else {
                throw MeshEchoError.closedWithoutReply
            }
            return Exchange(server: server, reply: String(buffer: reply))
        }
    }
}

public enum MeshEchoError: Error, CustomStringConvertible {
    case closedWithoutReply
    public var description: String { "the peer closed the connection without replying" }
}
