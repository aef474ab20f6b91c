import Foundation
import Testing

/// Two real `tern-proxy` processes certified by a real `tern-controller`, on loopback in
/// explicit mode: the test is the application and talks to the client proxy with `CONNECT`;
/// the proxies speak mTLS with the transport header between them.
@Suite(.serialized) struct ProxyPairExplicitTests {
    @Test func largeTransfersBothWaysMatchTheMetrics() async throws {
        try await EchoMesh.with(.echo) { pair in
            let size = 16 * 1024 * 1024
            let socket = try await pair.tunnel()
            // Send and receive at once: an echo of 16 MiB cannot sit in socket buffers, so this
            // only finishes if both directions flow together.
            let received = try await withThrowingTaskGroup(of: [UInt8].self) { group in
                group.addTask {
                    try await offPool {
                        var offset = 0
                        while offset < size {
                            try socket.send(Array(TCPTestServer.pattern(min(65536, size - offset), offset: offset)))
                            offset += 65536
                        }
                        socket.shutdownWrite()
                        return []
                    }
                }
                group.addTask { try await offPool { try socket.receiveAll() } }
                var echoed: [UInt8] = []
                for try await chunk in group where !chunk.isEmpty { echoed = chunk }
                return echoed
            }
            socket.close()
            #expect(received.count == size)
            #expect(TCPTestServer.matchesPattern(received))

            // Metrics: bytes equal the traffic, on both proxies, with the mesh identities.
            try await eventually { try await pair.clientProxy.metric("tcp_close_total", ["direction": "outbound", "peer": "dst"]) == 1 }
            let client = pair.clientProxy
            let server = pair.serverProxy
            let dst = ["direction": "outbound", "peer": "dst", "tls": "true", "server_id": EchoMesh.serverIdentity,
                       "dst_service": "echo", "dst_namespace": "test"]
            #expect(try await client.metric("tcp_open_total", dst) == 1)
            #expect(try await client.metric("tcp_write_bytes_total", dst) == Double(size))
            #expect(try await client.metric("tcp_read_bytes_total", dst) == Double(size))
            #expect(try await client.metric("tcp_open_connections", dst) == 0)
            #expect(try await client.metric("tcp_read_bytes_total", ["direction": "outbound", "peer": "src"]) == Double(size))
            try await eventually { try await server.metric("tcp_close_total", ["direction": "inbound", "peer": "src"]) == 1 }
            let src = ["direction": "inbound", "peer": "src", "tls": "true", "client_id": EchoMesh.clientIdentity]
            #expect(try await server.metric("tcp_open_total", src) == 1)
            #expect(try await server.metric("tcp_read_bytes_total", src) == Double(size))
            #expect(try await server.metric("tcp_write_bytes_total", src) == Double(size))
            #expect(try await server.metric("tcp_write_bytes_total", ["direction": "inbound", "peer": "dst"]) == Double(size))
        }
    }

    @Test func halfCloseLetsTheServerAnswerAfterTheClientIsDone() async throws {
        try await EchoMesh.with(.count) { pair in
            let socket = try await pair.tunnel()
            let answer = try await offPool {
                try socket.send([UInt8](repeating: 7, count: 100_000))
                socket.shutdownWrite()  // the server only answers once it sees the end of input
                return String(decoding: try socket.receiveAll(), as: UTF8.self)
            }
            #expect(answer == "100000\n")
        }
    }

    @Test func aServerWithTheWrongIdentityIsRefused() async throws {
        // Discovery promises `impostor.test`, but the proxy answering is `echo.test`.
        try await EchoMesh.with(.echo, claimedIdentity: MeshFixture.identity("impostor", "test")) { pair in
            let port = pair.clientProxy.outboundPort
            let head = try await offPool {
                let socket = try BlockingSocket.connect(host: "127.0.0.1", port: port)
                try socket.send("CONNECT \(EchoMesh.authority) HTTP/1.1\r\n\r\n")
                return try socket.receiveHead()
            }
            #expect(head.hasPrefix("HTTP/1.1 502"), "\(head)")
            #expect(head.contains("l5d-proxy-error:"))
            #expect(pair.server.acceptedCount == 0, "no byte may reach the application")
        }
    }

    @Test func theLastKnownEndpointsServeWhileTheControlPlaneIsDown() async throws {
        try await EchoMesh.with(.echo) { pair in
            try await roundTrip(pair, "before")
            await pair.mesh.stopController()
            for message in ["during-1", "during-2", "during-3"] {
                try await roundTrip(pair, message)
            }
        }
    }

    @Test func anEndpointDyingMidStreamEndsTheClientConnection() async throws {
        try await EchoMesh.with(.source(bytes: 1 << 40)) { pair in
            let socket = try await pair.tunnel()
            let first = try await offPool { try socket.receive(exactly: 1 << 20) }
            #expect(first.count == 1 << 20)
            pair.server.kill()
            // Whatever was in flight drains, then the stream must end (EOF or reset) — not hang.
            let ended = try await offPool { () -> Bool in
                while true {
                    do {
                        guard try socket.receive() != nil else { return true }
                    } catch {
                        return true
                    }
                }
            }
            #expect(ended)
        }
    }

    @Test func junkAndFloodsDoNotStopTheProxy() async throws {
        try await EchoMesh.with(.echo) { pair in
            let outbound = pair.clientProxy.outboundPort
            let inbound = pair.serverProxy.inboundPort
            // Junk to the outbound listener gets a 400; junk to the inbound one (neither mesh TLS
            // nor redirected) is closed; hundreds of idle connections are simply held.
            let answers = try await offPool { () -> [String] in
                var idle: [BlockingSocket] = []
                for _ in 0..<300 {
                    idle.append(try BlockingSocket.connect(host: "127.0.0.1", port: inbound))
                    idle.append(try BlockingSocket.connect(host: "127.0.0.1", port: outbound))
                }
                var answers: [String] = []
                for junk in ["\u{0}\u{1}\u{2}garbage\r\n\r\n", "GET / HTTP/1.1\r\nhost: x\r\n\r\n", "CONNECT nohost HTTP/1.1\r\n\r\n"] {
                    let socket = try BlockingSocket.connect(host: "127.0.0.1", port: outbound)
                    try socket.send(junk)
                    answers.append(try socket.receiveHead())
                }
                let tls = try BlockingSocket.connect(host: "127.0.0.1", port: inbound)
                try tls.send([0x16, 0x03, 0x01, 0x00, 0x05, 1, 0, 0, 1, 0])
                answers.append(String(decoding: try tls.receiveAll(), as: UTF8.self))
                for socket in idle { socket.close() }
                return answers
            }
            #expect(answers[0].hasPrefix("HTTP/1.1 400"))
            // An origin-form request is routed by its Host; `x` names nothing resolvable.
            #expect(answers[1].hasPrefix("HTTP/1.1 502"), "\(answers[1])")
            #expect(answers[1].contains("l5d-proxy-error: connect failed"), "\(answers[1])")
            #expect(answers[2].hasPrefix("HTTP/1.1 400"))
            #expect(answers[3].isEmpty, "the inbound listener closes what it cannot place")
            try await roundTrip(pair, "still serving")
        }
    }

    @Test func aSlowReaderKeepsProxyMemoryBounded() async throws {
        try await EchoMesh.with(.source(bytes: 256 * 1024 * 1024)) { pair in
            let before = try await pair.clientProxy.metric("process_resident_memory_bytes")
            let socket = try await pair.tunnel()
            // Read slowly for a while: the server could push 256 MiB in well under a second, so
            // unbounded buffering anywhere would show in the proxies' resident memory.
            let slow = try await offPool { () -> Int in
                var total = 0
                for _ in 0..<40 {
                    total += try socket.receive(max: 4096)?.count ?? 0
                    usleep(25_000)
                }
                return total
            }
            let during = try await pair.clientProxy.metric("process_resident_memory_bytes")
            let serverDuring = try await pair.serverProxy.metric("process_resident_memory_bytes")
            #expect(during - before < 32 * 1024 * 1024, "client proxy grew \(Int(during - before) / 1024) KiB")
            #expect(serverDuring < before + 64 * 1024 * 1024, "server proxy at \(Int(serverDuring) / 1024) KiB")
            // Then drain at full speed: every byte arrives, in order.
            let rest = try await offPool { () -> Bool in
                var offset = slow
                var ok = true
                while let chunk = try socket.receive() {
                    if !TCPTestServer.matchesPattern(chunk, offset: offset) { ok = false }
                    offset += chunk.count
                }
                return ok && offset == 256 * 1024 * 1024
            }
            #expect(rest)
        }
    }

    @Test func absoluteFormRequestsAreForwardedInOriginForm() async throws {
        try await HTTPMesh.with { pair in
            let connection = try await pair.connect()
            defer { connection.close() }
            let authority = HTTPMesh.authority
            let (first, second) = try await offPool { () -> (HTTP1Response, HTTP1Response) in
                try connection.send("GET http://\(authority)/echo?x=1 HTTP/1.1\r\nhost: \(authority)\r\nproxy-connection: keep-alive\r\n\r\n")
                let first = try connection.readResponse()
                // Requests are routed one by one, so the connection stays usable for the next.
                try connection.send("GET http://\(authority)/echo?x=2 HTTP/1.1\r\nhost: \(authority)\r\n\r\n")
                return (first, try connection.readResponse())
            }
            // The application echoes the request as it arrived behind both proxies: origin
            // form, the Host kept, the proxy-only header gone.
            #expect(first.status == 200, "\(first.head)")
            #expect(first.text.hasPrefix("GET /echo?x=1 HTTP/1.1\n"), "\(first.text)")
            #expect(first.text.contains("host: \(authority)\n"), "\(first.text)")
            #expect(!first.text.lowercased().contains("proxy-connection"), "\(first.text)")
            #expect(second.status == 200)
            #expect(second.text.hasPrefix("GET /echo?x=2 HTTP/1.1\n"), "\(second.text)")
            #expect(pair.server.requests("/echo") == 2)
        }
    }

    // MARK: Helpers

    private func roundTrip(_ pair: EchoMesh, _ message: String) async throws {
        let socket = try await pair.tunnel()
        let reply = try await offPool { () -> String in
            try socket.send(message)
            socket.shutdownWrite()
            return String(decoding: try socket.receiveAll(), as: UTF8.self)
        }
        #expect(reply == message)
    }
}

/// Polls `condition` until it holds (metrics settle a moment after a connection closes).
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("condition did not hold within \(timeout)")
}
