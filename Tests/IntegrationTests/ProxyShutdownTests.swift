import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Graceful shutdown of a real `tern-proxy`: SIGTERM (what the kubelet sends) or `POST
/// /shutdown` must stop new connections at once, let open ones finish, and end the process
/// when the last one is done — or when the grace period runs out, whichever comes first.
@Suite(.serialized) struct ProxyShutdownTests {
    @Test func sigtermStopsNewConnectionsAndLetsOpenTunnelsFinish() async throws {
        try await EchoMesh.with(.echo) { pair in
            // A client proxy with a grace period far longer than the test: if it exits soon
            // after the tunnel closes, it followed the connection, not the clock.
            let patient = try await pair.mesh.startProxy(
                "client", namespace: "test", extra: ["TERN_PROXY_SHUTDOWN_GRACE_PERIOD": "30s"])
            let route = EchoMesh(mesh: pair.mesh, server: pair.server, serverProxy: pair.serverProxy, clientProxy: patient)
            let socket = try await route.tunnel()
            #expect(try await echoed(through: socket, "before") == "before")

            let signalled = ContinuousClock.now
            patient.process.process.terminate()
            try await expectRefused(port: patient.outboundPort, within: .seconds(5))

            // The open tunnel carries data both ways for longer than the fixture's usual 2 s
            // grace, so nothing about it depends on a short timer.
            for round in 0..<4 {
                #expect(try await echoed(through: socket, "during-\(round)") == "during-\(round)")
                try await Task.sleep(for: .milliseconds(600))
            }
            #expect(patient.process.process.isRunning, "the proxy must wait for the open tunnel")

            // The client finishes: half-close, the echo answers the rest, then end of stream.
            let rest = try await offPool { () -> String in
                try socket.send("last")
                socket.shutdownWrite()
                return String(decoding: try socket.receiveAll(), as: UTF8.self)
            }
            socket.close()
            let closed = ContinuousClock.now
            #expect(rest == "last")

            let status = try await patient.process.wait(timeout: 40)
            let exited = ContinuousClock.now
            #expect(status == 0, "stderr: \(patient.process.stderr.suffix(2000))")
            #expect(exited - closed < .seconds(5), "exited \(exited - closed) after the last tunnel closed")
            #expect(exited - signalled < .seconds(20), "the 30 s grace period must not be what ended it")

            // The fixture's own client proxy was not involved and still serves.
            let other = try await pair.tunnel()
            #expect(try await echoed(through: other, "unaffected") == "unaffected")
            other.close()
        }
    }

    @Test func aTunnelOpenPastTheGracePeriodIsClosedAndTheProxyExits() async throws {
        // MeshFixture gives its proxies TERN_PROXY_SHUTDOWN_GRACE_PERIOD=2s.
        let grace = Duration.seconds(2)
        try await EchoMesh.with(.echo) { pair in
            let proxy = pair.clientProxy
            let socket = try await pair.tunnel()
            #expect(try await echoed(through: socket, "held") == "held")

            let signalled = ContinuousClock.now
            proxy.process.process.terminate()
            // The test never closes its side: the proxy has to end the tunnel itself. EOF or a
            // reset both count; a receive timeout (20 s) would show up in the times below.
            async let streamEnded = offPool { () -> ContinuousClock.Instant in
                do {
                    while try socket.receive() != nil {}
                } catch {}
                return ContinuousClock.now
            }
            let status = try await proxy.process.wait(timeout: 30)
            let exited = ContinuousClock.now
            let ended = try await streamEnded
            socket.close()

            #expect(status == 0, "stderr: \(proxy.process.stderr.suffix(2000))")
            #expect(exited - signalled < grace + .seconds(2), "exited \(exited - signalled) after SIGTERM")
            #expect(ended - signalled >= grace - .milliseconds(500), "the tunnel was cut before the grace period: \(ended - signalled)")
            #expect(ended - signalled < grace + .seconds(2), "the tunnel ended \(ended - signalled) after SIGTERM")
            // Closing the client's tunnel also ends the mesh connection behind it.
            try await eventually {
                try await pair.serverProxy.metric("tcp_close_total", ["direction": "inbound", "peer": "src"]) == 1
            }
        }
    }

    @Test func postShutdownFromLoopbackDrainsAndExits() async throws {
        try await EchoMesh.with(.echo) { pair in
            let proxy = pair.clientProxy
            let (status, body) = try await proxy.admin("/shutdown", method: "POST")
            let requested = ContinuousClock.now
            #expect(status == 200, "answered \(status): \(body)")

            let exit = try await proxy.process.wait(timeout: 30)
            #expect(exit == 0, "stderr: \(proxy.process.stderr.suffix(2000))")
            // Nothing was open, so there is nothing to wait for.
            #expect(ContinuousClock.now - requested < .seconds(5))
            try await expectRefused(port: proxy.outboundPort, within: .seconds(1))
        }
    }

    // MARK: Helpers

    /// Polls until connecting to `port` is refused. Connections that still get through are
    /// closed at once, so the proxy never has one of them to drain.
    private func expectRefused(port: Int, within timeout: Duration) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            let refused = try await offPool { () -> Bool in
                do {
                    try BlockingSocket.connect(host: "127.0.0.1", port: port, timeout: 2).close()
                    return false
                } catch {
                    return "\(error)".hasSuffix("errno \(ECONNREFUSED)")
                }
            }
            if refused { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("port \(port) still accepted connections \(timeout) after shutdown began")
    }
}

/// Sends `message` on an echo tunnel and returns what came back (exactly as many bytes).
/// Shared by the proxy tests that reuse a tunnel across steps.
func echoed(through socket: BlockingSocket, _ message: String) async throws -> String {
    try await offPool {
        try socket.send(message)
        return String(decoding: try socket.receive(exactly: message.utf8.count), as: UTF8.self)
    }
}
