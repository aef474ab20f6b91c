import Foundation
import Testing

/// HTTP/1 and HTTP/2 through a real proxy pair (client → outbound proxy → mTLS HTTP/2 →
/// inbound proxy → `HTTPTestServer`), with curl and hand-written HTTP/1 as the clients.
@Suite(.serialized) struct ProxyHTTPPairTests {
    static let inboundFromClient = ["direction": "inbound", "tls": "true", "client_id": EchoMesh.clientIdentity]
    static let outboundToServer = ["direction": "outbound", "tls": "true", "server_id": EchoMesh.serverIdentity]

    @Test func http1AndHTTP2ReachTheApplicationUnderMTLS() async throws {
        try await HTTPMesh.with { pair in
            let one = try await pair.curl("/echo?via=h1")
            #expect(one.statusCode == 200, "\(one.stderr)")
            #expect(one.text.hasPrefix("GET /echo?via=h1 HTTP/1.1\n"), "\(one.text)")
            #expect(one.text.lowercased().contains("host: \(HTTPMesh.authority)"))
            let two = try await pair.curl("/echo?via=h2", http2: true)
            #expect(two.statusCode == 200, "\(two.stderr)")
            #expect(two.heads.hasPrefix("HTTP/2 200"), "\(two.heads)")
            #expect(two.text.hasPrefix("GET /echo?via=h2 HTTP/2.0\n"), "\(two.text)")
            // HTTP/1 is restored for the application, HTTP/2 stays HTTP/2 (h2c).
            #expect(pair.server.connections(.http1) >= 1)
            #expect(pair.server.connections(.http2) >= 1)
            #expect(pair.server.requests("/echo") == 2)

            let server = pair.serverProxy
            let client = pair.clientProxy
            try await eventually { try await server.metric("response_total", Self.inboundFromClient) == 2 }
            #expect(try await server.metric("request_total", Self.inboundFromClient) == 2)
            #expect(try await server.metric("response_total", Self.inboundFromClient.merging(
                ["status_code": "200", "classification": "success"]) { $1 }) == 2)
            #expect(try await client.metric("request_total", Self.outboundToServer) == 2)
            #expect(try await client.metric("response_total", Self.outboundToServer.merging(
                ["status_code": "200", "classification": "success", "dst_service": "echo"]) { $1 }) == 2)
        }
    }
}
