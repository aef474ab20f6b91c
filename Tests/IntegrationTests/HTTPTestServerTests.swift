import Foundation
import Testing

/// The HTTP test server on its own, without proxies: when a proxy test fails, this tells
/// whether the server or the proxies broke the exchange.
@Suite(.serialized) struct HTTPTestServerTests {
    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let server = try HTTPTestServer(name: "direct")
        defer { server.kill() }
        let port = server.port
        let responses = try await offPool { () -> [HTTP1Response] in
            let connection = HTTP1Connection(try BlockingSocket.connect(host: "127.0.0.1", port: port))
            defer { connection.close() }
            try connection.send("GET /slow?ms=100 HTTP/1.1\r\nhost: a\r\n\r\nGET /whoami HTTP/1.1\r\nhost: a\r\n\r\n"
                + "GET /trailers HTTP/1.1\r\nhost: a\r\n\r\nGET /bytes/70000 HTTP/1.1\r\nhost: a\r\n\r\n")
            return try (0..<4).map { _ in try connection.readResponse() }
        }
        #expect(responses.map(\.status) == [200, 200, 200, 200])
        #expect(responses[0].text == "slow 100")
        #expect(responses[1].text == "direct")
        #expect(responses[2].trailers.contains { $0 == ("x-checksum", "abc123") })
        #expect(responses[3].body.count == 70000 && TCPTestServer.matchesPattern(responses[3].body))
    }

    @Test func http2PriorKnowledgeAndOpaqueBytesShareThePort() async throws {
        let server = try HTTPTestServer(name: "direct")
        defer { server.kill() }
        let two = try await Curl.run(["--http2-prior-knowledge", "http://127.0.0.1:\(server.port)/trailers"])
        #expect(two.statusCode == 200 && two.heads.contains("x-checksum: abc123"), "\(two.heads)")
        let port = server.port
        let echoed = try await offPool { () -> String in
            let socket = try BlockingSocket.connect(host: "127.0.0.1", port: port)
            try socket.send("not http at all")
            socket.shutdownWrite()
            return String(decoding: try socket.receiveAll(), as: UTF8.self)
        }
        #expect(echoed == "not http at all")
        #expect(server.connections(.http2) == 1 && server.connections(.echo) == 1)
    }

    @Test func aSlowReaderGetsEveryByteOnceItSpeedsUp() async throws {
        let server = try HTTPTestServer(name: "direct")
        defer { server.kill() }
        let port = server.port
        let size = 64 * 1024 * 1024
        let response = try await offPool { () -> HTTP1Response in
            let connection = HTTP1Connection(try BlockingSocket.connect(host: "127.0.0.1", port: port))
            defer { connection.close() }
            try connection.send("GET /bytes/\(size) HTTP/1.1\r\nhost: a\r\n\r\n")
            usleep(500_000)  // the server fills the socket buffers and must wait for writability
            return try connection.readResponse()
        }
        #expect(response.body.count == size)
    }
}
