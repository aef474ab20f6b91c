import FoundationEssentials
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing
import TernControl
import TernCore
import TernProxy
import TernTLS
import X509

/// Two certifiers obtain leaves from a real identity service; a stream of mTLS requests runs
/// while both are forced to refresh (with the issuer rotated in between), and none is lost.
/// A connection opened before the refresh keeps working after it.
@Suite struct RotationUnderLoadTests {
    @Test func forcedRefreshDuringAStreamLosesNoRequest() async throws {
        let pki = try TestPKI()
        let tokenKey = LocalTokenKey.generate().key
        let ca = CertifyAuthority(config: .init(trustDomain: "cluster.local"), issuer: pki.issuer, tokens: LocalTokenVerifier(key: tokenKey))
        let web = try pki.identity("web", "emojivoto")
        let voting = try pki.identity("voting", "emojivoto")
        let total = 120

        try await withIdentityService(ca) { client, _ in
            func certifier(_ id: MeshIdentity) -> (Certifier, MeshCredentials) {
                let credentials = MeshCredentials(trustAnchors: [pki.anchor.certificate])
                let token = Array(tokenKey.mint(namespace: id.namespace, serviceAccount: id.serviceAccount, expiry: Date().addingTimeInterval(600)).utf8)
                return (Certifier(identity: id, credentials: credentials, client: client, logger: quietLogger(), token: { token }), credentials)
            }
            let (serverCertifier, serverCredentials) = certifier(web)
            let (clientCertifier, clientCredentials) = certifier(voting)
            let serverTLS = MeshTLS(credentials: serverCredentials)
            let clientTLS = MeshTLS(credentials: clientCredentials)

            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await serverCertifier.run() }
                group.addTask { try await clientCertifier.run() }
                let firstServerLeaf = try #require(await serverCredentials.waitUntilReady()).leaf
                let firstClientLeaf = try #require(await clientCredentials.waitUntilReady()).leaf

                try await withEchoServer(serverTLS) { port in
                    let longLived = try await openMeshConnection(port: port, expected: web, tls: clientTLS)
                    try await longLived.executeThenClose { replies, requests in
                        var replyIterator = replies.makeAsyncIterator()
                        try await requests.write(ByteBuffer(string: "before"))
                        #expect(try await replyIterator.next().map { String(buffer: $0) }?.hasSuffix("echo=before") == true)

                        let (succeeded, atRotation) = try await streamWhileRotating(
                            port: port, server: web, clientTLS: clientTLS, total: total
                        ) {
                            // Rotate the issuer and force both refreshes once the stream is under way.
                            ca.replaceIssuer(try pki.rotatedIssuer())
                            serverCertifier.refreshNow()
                            clientCertifier.refreshNow()
                            return await eventually(timeout: .seconds(10)) {
                                serverCredentials.current?.leaf != firstServerLeaf
                                    && clientCredentials.current?.leaf != firstClientLeaf
                            }
                        }

                        #expect(succeeded == total)
                        #expect(atRotation < total, "the refresh finished only after the stream ended")
                        #expect(serverCertifier.metrics.refreshes(result: "ok") == 2)
                        #expect(clientCertifier.metrics.refreshes(result: "ok") == 2)

                        // The connection from before the swap still works on its original session.
                        try await requests.write(ByteBuffer(string: "after"))
                        #expect(try await replyIterator.next().map { String(buffer: $0) }?.hasSuffix("echo=after") == true)
                    }
                }
                #expect(serverTLS.stats.count("accepted") == UInt64(total + 1))
                group.cancelAll()
            }
        }
    }
}

/// Runs `total` echo exchanges over fresh mTLS connections from 4 workers and, once a quarter
/// have succeeded, calls `rotate` (which must return true once new credentials are in place).
/// Returns how many exchanges succeeded overall and how many had when rotation completed.
func streamWhileRotating(
    port: Int, server: MeshIdentity, clientTLS: MeshTLS, total: Int,
    rotate: @escaping @Sendable () async throws -> Bool
) async throws -> (succeeded: Int, atRotation: Int) {
    let succeeded = SharedInt(0)
    let atRotation = SharedInt(Int.max)
    try await withThrowingTaskGroup(of: Void.self) { stream in
        for worker in 0..<4 {
            stream.addTask {
                for i in stride(from: worker, to: total, by: 4) {
                    let exchange = try await MeshEchoClient.exchange(
                        host: "127.0.0.1", port: port, expected: server, message: "req-\(i)", tls: clientTLS)
                    #expect(exchange.reply.hasSuffix("echo=req-\(i)"))
                    succeeded.withLock { $0 += 1 }
                }
            }
        }
        stream.addTask {
            _ = await eventually(timeout: .seconds(20)) { succeeded.withLock { $0 } >= total / 4 }
            let rotated = try await rotate()
            #expect(rotated)
            let now = succeeded.withLock { $0 }
            atRotation.withLock { $0 = now }
        }
        try await stream.waitForAll()
    }
    return (succeeded.withLock { $0 }, atRotation.withLock { $0 })
}

/// An Int shared between tasks (a local Mutex cannot be captured by escaping closures).
final class SharedInt: Sendable {
    private let value: Mutex<Int>
    init(_ initial: Int) { value = Mutex(initial) }
    func withLock<T: Sendable>(_ body: (inout Int) -> T) -> T { value.withLock { body(&$0) } }
}

/// A raw mesh-client connection kept open by the caller (across a credential swap).
func openMeshConnection(port: Int, expected: MeshIdentity, tls: MeshTLS) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try tls.addClientHandlers(to: channel.pipeline.syncOperations, expecting: expected)
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
}
