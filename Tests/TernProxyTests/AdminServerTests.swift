import Logging
import ServiceLifecycle
import Testing

@testable import TernProxy

/// The admin server over real HTTP on loopback.
@Suite struct AdminServerTests {
    @Test func metricsServesTheRegistryInTextFormat() async throws {
        let harness = try AdminHarness()
        try await harness.withRunning { port in
            let response = try await RawHTTP.get(port: port, "/metrics")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            #expect(response.body.contains("# TYPE tcp_open_total counter\n"))
            #expect(response.body.contains("# TYPE control_identity_cert_refreshes_total counter\n"))
            #expect(response.body.contains("\nprocess_resident_memory_bytes "))
            #expect(Int(response.header("Content-Length") ?? "") == response.body.utf8.count)
        }
    }

    @Test func readyOnlyOnceACertificateIsHeld() async throws {
        let harness = try AdminHarness()
        try await harness.withRunning { port in
            let before = try await RawHTTP.get(port: port, "/ready")
            #expect(before.status == 503)
            #expect(before.body == "not ready: no identity certificate yet: waiting for the identity service\n")
            #expect(try await RawHTTP.get(port: port, "/live").status == 200)

            try harness.holdCertificate()
            let after = try await RawHTTP.get(port: port, "/ready")
            #expect(after.status == 200)
            #expect(after.body == "ready\n")
        }
    }

    @Test func logLevelChangesAtRuntime() async throws {
        let harness = try AdminHarness()
        let logger = Logger(label: "t") { _ in
            LevelControlledLogHandler(wrapping: SwiftLogNoOpLogHandler(), control: harness.logLevel)
        }
        try await harness.withRunning { port in
            #expect(logger.logLevel == .info)
            let set = try await RawHTTP.send(port: port, method: "PUT", "/proxy-log-level", body: "debug\n")
            #expect(set.status == 204)
            #expect(harness.logLevel.level == .debug)
            #expect(logger.logLevel == .debug)
            #expect(try await RawHTTP.get(port: port, "/proxy-log-level").body == "debug\n")

            let bad = try await RawHTTP.send(port: port, method: "PUT", "/proxy-log-level", body: "loud")
            #expect(bad.status == 400)
            #expect(bad.body == "expected one of trace, debug, info, notice, warning, error, critical, got \"loud\"\n")
            #expect(harness.logLevel.level == .debug)

            #expect(try await RawHTTP.send(port: port, method: "PUT", "/proxy-log-level", body: "warn").status == 204)
            #expect(harness.logLevel.level == .warning)
        }
    }

    @Test func unknownPathsWrongMethodsAndJunkAreRefusedAndServingContinues() async throws {
        let harness = try AdminHarness()
        try await harness.withRunning { port in
            #expect(try await RawHTTP.get(port: port, "/nope").status == 404)

            let wrongMethod = try await RawHTTP.send(port: port, method: "POST", "/metrics", body: "")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("Allow") == "GET")
            #expect(try await RawHTTP.get(port: port, "/shutdown").status == 405)

            let junk = try await RawHTTP.exchange(port: port, bytes: [0x16, 0x03, 0x01, 0x00, 0xFF] + Array("\r\n\r\n".utf8))
            #expect(junk.status == 400)
            #expect(try await RawHTTP.exchange(port: port, "GET /live HTTP/9.9 oops\r\n\r\n").status == 400)

            let bigHeader = String(repeating: "a", count: 64 * 1024)
            let oversized = try await RawHTTP.exchange(
                port: port, "GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Big: \(bigHeader)\r\n\r\n")
            #expect(oversized.status == 431)
            #expect(oversized.header("Connection") == "close")

            let bigBody = try await RawHTTP.send(
                port: port, method: "PUT", "/proxy-log-level", body: String(repeating: "x", count: 4096))
            #expect(bigBody.status == 413)
            #expect(harness.logLevel.level == .info)

            #expect(try await RawHTTP.get(port: port, "/live").status == 200)
        }
    }

    @Test func keepAliveConnectionsServeSeveralRequests() async throws {
        let harness = try AdminHarness()
        try await harness.withRunning { port in
            let both = try await RawHTTP.exchange(
                port: port,
                "GET /live HTTP/1.1\r\nHost: x\r\n\r\nGET /live?probe=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(both.text.ranges(of: "HTTP/1.1 200 OK").count == 2)
        }
    }

    @Test func shutdownFromLoopbackStopsTheServiceGroup() async throws {
        let harness = try AdminHarness()
        let drained = DrainProbe()
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: drained),
                    .init(service: harness.server, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                logger: Logger(label: "group-test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await harness.waitForPort()
            let response = try await RawHTTP.send(port: port, method: "POST", "/shutdown", body: "")
            #expect(response.status == 200)
            #expect(response.body == "shutting down\n")
            // The group finishing (rather than being cancelled) shows the drain ran.
            _ = try await tasks.next()
            #expect(drained.sawGracefulShutdown)
        }
    }
}
