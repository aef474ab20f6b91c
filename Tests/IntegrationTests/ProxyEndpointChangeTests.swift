import Foundation
import Testing

/// Issue #4: a running proxy pair follows endpoint changes live. The manifests behind Service
/// `echo` are rewritten while the proxies run; the controller's directory source notices, the
/// destination stream carries the change, and the client proxy's pool follows it — without
/// restarting anything and without disturbing tunnels that are already open.
@Suite(.serialized) struct ProxyEndpointChangeTests {
    typealias Workload = EchoManifests.Workload

    static let secondIdentity = MeshFixture.identity("echo2", "test")

    @Test func aRunningPairFollowsEndpointChangesLive() async throws {
        try await EchoMesh.with(.echo) { pair in
            let first = pair.server
            let second = try TCPTestServer(behavior: .echo)
            defer { second.kill() }
            let secondInbound = freePort()
            _ = try await pair.mesh.startProxy("echo2", namespace: "test", inboundPort: secondInbound)
            let workloads = [
                Workload(name: "echo", appPort: first.port, identity: EchoMesh.serverIdentity,
                         proxyInbound: pair.serverProxy.inboundPort),
                Workload(name: "echo2", appPort: second.port, identity: Self.secondIdentity, proxyInbound: secondInbound),
            ]
            // Every tunnel that got a 200, so the servers' counts can be checked against it.
            var opened = 0

            // Opened before any change; it has to keep working through all of them.
            let early = try await pair.tunnel()
            #expect(try await echoed(through: early, "early") == "early")
            opened += 1
            #expect(first.acceptedCount == 1)

            // Only the second workload: new tunnels move there within a few seconds.
            try pair.mesh.write("echo.yaml", EchoManifests.yaml(selecting: "echo2", workloads))
            opened += try await tunnelsUntilOneReaches(second, pair)
            var counts = (first.acceptedCount, second.acceptedCount)
            for _ in 0..<5 { try await roundTrip(pair) }
            opened += 5
            #expect(first.acceptedCount == counts.0, "a tunnel still went to the deselected workload")
            #expect(second.acceptedCount == counts.1 + 5)
            #expect(try await echoed(through: early, "after-switch") == "after-switch")

            // And back: new tunnels return to the first workload.
            try pair.mesh.write("echo.yaml", EchoManifests.yaml(selecting: "echo", workloads))
            opened += try await tunnelsUntilOneReaches(first, pair)
            counts = (first.acceptedCount, second.acceptedCount)
            for _ in 0..<5 { try await roundTrip(pair) }
            opened += 5
            #expect(first.acceptedCount == counts.0 + 5)
            #expect(second.acceptedCount == counts.1, "a tunnel still went to the deselected workload")
            #expect(try await echoed(through: early, "after-return") == "after-return")

            // No workload at all: the Service is known but empty, so CONNECT is refused with a
            // 502 naming the cause rather than hanging or dialling something stale.
            try pair.mesh.write("echo.yaml", EchoManifests.yaml(selecting: "nobody", workloads))
            let refusal = try await firstRefusal(pair, opened: &opened)
            #expect(refusal.hasPrefix("HTTP/1.1 502"), "\(refusal)")
            #expect(refusal.contains("l5d-proxy-error:") && refusal.contains("no endpoints"), "\(refusal)")
            let again = try await connect(pair)
            #expect(again.head.hasPrefix("HTTP/1.1 502"), "\(again.head)")
            again.socket.close()
            #expect(try await echoed(through: early, "after-empty") == "after-empty")
            early.close()

            // Every tunnel reached exactly one server, and the client proxy's metrics attribute
            // each to the identity it verified.
            #expect(first.acceptedCount + second.acceptedCount == opened)
            let client = pair.clientProxy
            let outbound = ["direction": "outbound", "peer": "dst"]
            let toSecond = try await client.metric("tcp_open_total", outbound.merging(["server_id": Self.secondIdentity]) { $1 })
            let toFirst = try await client.metric("tcp_open_total", outbound.merging(["server_id": EchoMesh.serverIdentity]) { $1 })
            #expect(toSecond == Double(second.acceptedCount))
            #expect(toFirst == Double(first.acceptedCount))
        }
    }

    // MARK: Helpers

    /// Sends CONNECT for Service `echo` through the client proxy and returns the answer's head
    /// with the socket (a tunnel when the head is a 200).
    private func connect(_ pair: EchoMesh) async throws -> (head: String, socket: BlockingSocket) {
        let port = pair.clientProxy.outboundPort
        return try await offPool {
            let socket = try BlockingSocket.connect(host: "127.0.0.1", port: port)
            try socket.send("CONNECT \(EchoMesh.authority) HTTP/1.1\r\nhost: \(EchoMesh.authority)\r\n\r\n")
            return (try socket.receiveHead(), socket)
        }
    }

    /// One short-lived tunnel with a round trip, so the server has accepted its connection
    /// by the time this returns (the 200 only means the mesh connection is up).
    private func roundTrip(_ pair: EchoMesh) async throws {
        let socket = try await pair.tunnel()
        #expect(try await echoed(through: socket, "ping") == "ping")
        socket.close()
    }

    /// Opens tunnels until one lands on `server` (the controller polls its manifests every
    /// 500 ms, then the update travels the destination stream); returns how many were opened.
    private func tunnelsUntilOneReaches(_ server: TCPTestServer, _ pair: EchoMesh) async throws -> Int {
        let before = server.acceptedCount
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        var opened = 0
        while ContinuousClock.now < deadline {
            try await roundTrip(pair)
            opened += 1
            if server.acceptedCount > before { return opened }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("after \(opened) tunnels in 10 s, none reached the server on port \(server.port)")
    }

    /// CONNECTs until one is refused and returns that answer's head; tunnels that still open
    /// in the meantime are used and counted.
    private func firstRefusal(_ pair: EchoMesh, opened: inout Int) async throws -> String {
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while ContinuousClock.now < deadline {
            let (head, socket) = try await connect(pair)
            defer { socket.close() }
            guard head.hasPrefix("HTTP/1.1 200") else { return head }
            opened += 1
            #expect(try await echoed(through: socket, "ping") == "ping")
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("CONNECT still succeeded 10 s after the Service lost its workloads")
    }
}
