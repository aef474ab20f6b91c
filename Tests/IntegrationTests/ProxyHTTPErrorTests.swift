import Foundation
import Testing

/// What the proxies answer when a request cannot be served, and that they keep serving after.
@Suite(.serialized) struct ProxyHTTPErrorTests {
    @Test func anUpstreamResetMidResponseReachesTheClientAsAnError() async throws {
        try await HTTPMesh.with { pair in
            let connection = try await pair.connect()
            defer { connection.close() }
            let host = HTTPMesh.authority
            // HTTP/1: the head promised 100000 bytes; the client must not see a clean end.
            let outcome = try await offPool { () -> (HTTP1Response?, String) in
                try connection.send("GET /reset HTTP/1.1\r\nhost: \(host)\r\n\r\n")
                do {
                    return (try connection.readResponse(), "")
                } catch {
                    return (nil, "\(error)")
                }
            }
            #expect(outcome.0 == nil, "a cut response looked complete: \(outcome.0.map { "\($0.body.count) bytes" } ?? "")")
            #expect(outcome.1.contains("stream ended") || outcome.1.contains("recv"), "\(outcome.1)")

            // HTTP/2: the stream is reset or the transfer reported partial, never a success.
            let two = try await pair.curl("/reset", http2: true)
            #expect(two.exitStatus != 0, "curl exited 0 with \(two.body.count) bytes")
            #expect(two.body.count < HTTPTestRoutes.resetPromised)

            // Still serving, both protocols.
            #expect(try await pair.curl("/whoami").text == "echo")
            #expect(try await pair.curl("/whoami", http2: true).text == "echo")
        }
    }

    @Test func malformedRequestsGet400AndTheProxyKeepsServing() async throws {
        try await HTTPMesh.with { pair in
            let port = pair.clientProxy.outboundPort
            let host = HTTPMesh.authority
            let hostile = [
                "GET /echo HTTP/1.1\r\nhost: \(host)\r\ncontent-length: abc\r\n\r\n",
                "GET /echo HTTP/1.1\r\nhost: \(host)\r\nno colon here\r\n\r\n",
                "GET /echo HTTP/1.1\r\nhost: \(host)\r\ncontent-length: 1\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n",
                "GET /echo HTTP/1.1\r\nhost: \(host)\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
                "GET /ec\u{1}ho HTTP/1.1\r\nhost: \(host)\r\n\r\n",
                "GET /echo HTTP/9.9\r\nhost: \(host)\r\n\r\n",
            ]
            for request in hostile {
                let head = try await offPool { () -> String in
                    let socket = try BlockingSocket.connect(host: "127.0.0.1", port: port)
                    defer { socket.close() }
                    try socket.send(request)
                    return try socket.receiveHead()
                }
                #expect(head.hasPrefix("HTTP/1.1 400"), "\(request.debugDescription) → \(head)")
                #expect(head.lowercased().contains("l5d-proxy-error: bad request"), "\(head)")
            }
            #expect(pair.server.requests("/echo") == 0, "nothing malformed may reach the application")
            let after = try await pair.curl("/echo")
            #expect(after.statusCode == 200)
        }
    }

    @Test func anOversizedHeadGets431() async throws {
        try await HTTPMesh.with { pair in
            let connection = try await pair.connect()
            defer { connection.close() }
            let host = HTTPMesh.authority
            let big = String(repeating: "a", count: 90 * 1024)
            let response = try await offPool { () -> HTTP1Response in
                try connection.send("GET /echo HTTP/1.1\r\nhost: \(host)\r\nx-big: \(big)\r\n\r\n")
                return try connection.readResponse()
            }
            #expect(response.status == 431, "\(response.head)")
            #expect(response.header("l5d-proxy-error")?.hasPrefix("headers too large") == true, "\(response.head)")
            #expect(pair.server.requests("/echo") == 0)
            let after = try await pair.curl("/echo")
            #expect(after.statusCode == 200, "\(after.stderr)")
        }
    }

    /// A head the HTTP/1 side accepts crosses the proxies' HTTP/2 connection whole (NIO sends
    /// it as one HEADERS frame, so the proxies allow large frames between them).
    @Test func aLargeHeadUnderTheLimitPasses() async throws {
        try await HTTPMesh.with { pair in
            let fits = try await pair.curl("/echo", ["-H", "x-big: \(String(repeating: "b", count: 60 * 1024))"])
            #expect(fits.statusCode == 200, "\(fits.stderr)")
            #expect(pair.server.requests("/echo") == 1)
        }
    }

    @Test func noEndpointsIsA502NamingTheCauseAndUnavailableForGRPC() async throws {
        try await HTTPMesh.with { pair in
            let workload = EchoManifests.Workload(name: "echo", appPort: pair.server.port, identity: EchoMesh.serverIdentity,
                                                  proxyInbound: pair.serverProxy.inboundPort, opaque: false)
            try pair.mesh.write("echo.yaml", EchoManifests.yaml(selecting: "nobody", [workload]))
            var refused = try await pair.curl("/whoami")
            let deadline = ContinuousClock.now.advanced(by: .seconds(10))
            while refused.statusCode == 200 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                refused = try await pair.curl("/whoami")
            }
            #expect(refused.statusCode == 502)
            #expect(refused.header("l5d-proxy-error")?.hasPrefix("no endpoints") == true, "\(refused.heads)")
            let two = try await pair.curl("/whoami", http2: true)
            #expect(two.statusCode == 502)
            #expect(two.header("l5d-proxy-error")?.hasPrefix("no endpoints") == true, "\(two.heads)")
            // A gRPC call gets its failure as a gRPC status: 200 and grpc-status 14 (UNAVAILABLE).
            let grpc = try await pair.curl("/test.Echo/Unary", http2: true, [
                "-X", "POST", "-H", "content-type: application/grpc", "-H", "te: trailers",
                "--data-binary", "@/dev/null",
            ])
            #expect(grpc.statusCode == 200, "\(grpc.heads)")
            #expect(grpc.heads.contains("grpc-status: 14"), "\(grpc.heads)")
        }
    }
}
