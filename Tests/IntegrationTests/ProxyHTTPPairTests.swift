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

    @Test func pipelinedRequestsAreAnsweredInOrderOnOneConnection() async throws {
        try await HTTPMesh.with { pair in
            let connection = try await pair.connect()
            defer { connection.close() }
            let host = HTTPMesh.authority
            let (responses, failure) = try await offPool { () -> ([HTTP1Response], String?) in
                // All four leave at once; the first is the slowest, so answers in completion
                // order would come back shuffled.
                try connection.send("GET /slow?ms=300 HTTP/1.1\r\nhost: \(host)\r\n\r\n"
                    + "GET /whoami HTTP/1.1\r\nhost: \(host)\r\n\r\n"
                    + "GET /status/404 HTTP/1.1\r\nhost: \(host)\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nhost: \(host)\r\ncontent-length: 5\r\n\r\nhello")
                var responses: [HTTP1Response] = []
                do {
                    for _ in 0..<4 { responses.append(try connection.readResponse()) }
                } catch {
                    return (responses, "after \(responses.map(\.status)): \(error)")
                }
                return (responses, nil)
            }
            #expect(failure == nil)
            #expect(responses.map(\.status) == [200, 200, 404, 200])
            guard responses.count == 4 else { return }
            #expect(responses[0].text == "slow 300")
            #expect(responses[1].text == "echo")
            #expect(responses[3].text.hasPrefix("POST /echo HTTP/1.1\n") && responses[3].text.hasSuffix("\n\nhello"),
                    "\(responses[3].text)")
            #expect(pair.server.totalRequests == 4)
        }
    }

    @Test func chunkedRequestAndResponseBodiesArriveWhole() async throws {
        try await HTTPMesh.with { pair in
            let connection = try await pair.connect()
            defer { connection.close() }
            let host = HTTPMesh.authority
            let response = try await offPool { () -> HTTP1Response in
                try connection.send("POST /echo HTTP/1.1\r\nhost: \(host)\r\ntransfer-encoding: chunked\r\n\r\n")
                for chunk in ["first-", "second-", String(repeating: "z", count: 70_000)] {
                    try connection.send(String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n")
                    usleep(20_000)
                }
                try connection.send("0\r\n\r\n")
                return try connection.readResponse()
            }
            #expect(response.status == 200)
            #expect(response.header("transfer-encoding")?.lowercased() == "chunked", "\(response.head)")
            #expect(response.text.hasPrefix("POST /echo HTTP/1.1\n"))
            #expect(response.text.hasSuffix("\n\nfirst-second-" + String(repeating: "z", count: 70_000)))
        }
    }

    @Test func trailersCrossThePairOverHTTP2AndHTTP1() async throws {
        try await HTTPMesh.with { pair in
            let two = try await pair.curl("/trailers", http2: true)
            #expect(two.statusCode == 200, "\(two.stderr)")
            #expect(two.text == "trailers follow\n")
            // curl writes trailers after the head in its header dump.
            #expect(two.heads.contains("x-checksum: abc123") && two.heads.contains("x-count: 2"), "\(two.heads)")

            let connection = try await pair.connect()
            defer { connection.close() }
            let host = HTTPMesh.authority
            let one = try await offPool { () -> HTTP1Response in
                try connection.send("GET /trailers HTTP/1.1\r\nhost: \(host)\r\nte: trailers\r\n\r\n")
                return try connection.readResponse()
            }
            #expect(one.text == "trailers follow\n")
            #expect(one.trailers.contains { $0 == ("x-checksum", "abc123") }, "\(one.trailers)")
        }
    }

    @Test func expectContinueIsAnsweredBeforeTheBodyIsSent() async throws {
        try await HTTPMesh.with { pair in
            let connection = try await pair.connect()
            defer { connection.close() }
            let host = HTTPMesh.authority
            let (interim, final) = try await offPool { () -> (HTTP1Response, HTTP1Response) in
                try connection.send("PUT /echo HTTP/1.1\r\nhost: \(host)\r\nexpect: 100-continue\r\ncontent-length: 4\r\n\r\n")
                // The body is held back until the application's 100 came through both proxies.
                let interim = try connection.readResponse()
                try connection.send("body")
                return (interim, try connection.readResponse())
            }
            #expect(interim.status == 100, "\(interim.head)")
            #expect(final.status == 200)
            #expect(final.text.hasSuffix("\n\nbody"), "\(final.text)")
        }
    }

    @Test func anUpgradedConnectionBecomesAByteEcho() async throws {
        try await HTTPMesh.with { pair in
            let connection = try await pair.connect()
            defer { connection.close() }
            let host = HTTPMesh.authority
            let (head, echoed) = try await offPool { () -> (HTTP1Response, String) in
                try connection.send("GET /upgrade HTTP/1.1\r\nhost: \(host)\r\nconnection: upgrade\r\nupgrade: echo-test\r\n\r\n")
                let head = try connection.readResponse(bodyless: true)
                var echoed: [UInt8] = []
                for frame in ["frame-1", "frame-2", String(repeating: "w", count: 100_000)] {
                    try connection.send(frame)
                    echoed += try connection.read(exactly: frame.utf8.count)
                }
                return (head, String(decoding: echoed, as: UTF8.self))
            }
            #expect(head.status == 101, "\(head.head)")
            #expect(head.header("upgrade") == "echo-test")
            #expect(echoed == "frame-1frame-2" + String(repeating: "w", count: 100_000))
        }
    }
}
