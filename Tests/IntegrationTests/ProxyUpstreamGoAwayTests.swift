import Foundation
import Testing

/// An application server that closes every HTTP/2 connection after a few requests (nginx's
/// `keepalive_requests`) must cost no request. Each time, nginx sends GOAWAY naming the last
/// stream it will answer and ignores the rest; under a burst far larger than one connection's
/// allowance, most requests are refused round after round, on one connection after another.
/// The server proxy replays each refused request, oldest first, until one takes it.
@Suite(.serialized, .timeLimit(.minutes(4))) struct ProxyUpstreamGoAwayTests {
    static let requestsPerConnection = 10

    @Test func burstsFarPastTheServersPerConnectionLimitAllSucceed() async throws {
        let nginx = try await NginxServer(requestsPerConnection: Self.requestsPerConnection)
        defer { nginx.stop() }
        let pair = try await MeshFixture.start { mesh in
            let proxies = try await HTTPMesh.startProxies(mesh, appPort: nginx.port)
            return (mesh: mesh, server: proxies.server, client: proxies.client)
        }
        try await pair.mesh.stopping {
            let url = "http://127.0.0.1:\(pair.client.outboundPort)/"
            let route = ["-H", "l5d-dst-override: \(EchoMesh.authority)", url]
            // 128 streams in flight against a 10-request connection: a request may wait a
            // dozen rounds.
            let gets = 2_000
            let get = try await H2Load.run(["-n", "\(gets)", "-c", "4", "-m", "32"] + route)
            #expect(get.succeeded == gets && get.status2xx == gets, "\(get.output)")

            // Bodies too: a replayed request is sent again whole.
            let body = FileManager.default.temporaryDirectory.appendingPathComponent("tern-goaway-body-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: body) }
            try Data(repeating: UInt8(ascii: "b"), count: 4_096).write(to: body)
            let posts = 1_000
            let post = try await H2Load.run(["-n", "\(posts)", "-c", "2", "-m", "32", "-d", body.path] + route)
            #expect(post.succeeded == posts && post.status2xx == posts, "\(post.output)")

            let total = Double(gets + posts)
            let appConnections = try await pair.server.metric(
                "tcp_open_total", ["direction": "inbound", "peer": "dst", "target_addr": "127.0.0.1:\(nginx.port)"])
            // nginx answers at most 10 requests a connection, so it really did close them.
            #expect(appConnections >= total / Double(Self.requestsPerConnection), "\(appConnections) connections to nginx")
            // Each request was answered, and counted, once, however often it was replayed.
            let inbound = ["direction": "inbound", "tls": "true", "client_id": EchoMesh.clientIdentity]
            #expect(try await pair.server.metric("response_total", inbound) == total)
            #expect(try await pair.server.metric("response_total", inbound.merging(["classification": "success"]) { $1 }) == total)
        }
    }
}
