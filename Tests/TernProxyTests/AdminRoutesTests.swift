import Logging
import NIOCore
import NIOHTTP1
import Testing

@testable import TernProxy

/// Decisions the socket tests cannot reach: a non-loopback peer, and address classification.
@Suite struct AdminRoutesTests {
    func routes() -> AdminRoutes {
        AdminRoutes(
            metrics: MetricsRegistry(), readiness: { .ready }, logLevel: LogLevelControl(.info),
            logger: Logger(label: "routes-test"), requestShutdown: {})
    }

    @Test func shutdownFromTheNetworkIsForbidden() {
        let response = routes().respond(to: AdminRequest(method: .POST, path: "/shutdown", body: "", peerIsLoopback: false))
        #expect(response.status == .forbidden)
        #expect(response.afterWrite == nil)
        #expect(response.body == "shutdown is only accepted from localhost\n")
    }

    @Test func shutdownFromLoopbackRunsAfterTheAnswerIsWritten() {
        let response = routes().respond(to: AdminRequest(method: .POST, path: "/shutdown", body: "", peerIsLoopback: true))
        #expect(response.status == .ok)
        #expect(response.closesConnection)
        #expect(response.afterWrite != nil)
    }

    @Test func loopbackAddresses() throws {
        #expect(try SocketAddress(ipAddress: "127.0.0.1", port: 1).isLoopback)
        #expect(try SocketAddress(ipAddress: "127.8.9.10", port: 1).isLoopback)
        #expect(try SocketAddress(ipAddress: "::1", port: 1).isLoopback)
        #expect(try SocketAddress(ipAddress: "::ffff:127.0.0.1", port: 1).isLoopback)
        #expect(try !SocketAddress(ipAddress: "10.0.0.1", port: 1).isLoopback)
        #expect(try !SocketAddress(ipAddress: "::ffff:10.0.0.1", port: 1).isLoopback)
        #expect(try !SocketAddress(ipAddress: "fe80::1", port: 1).isLoopback)
        #expect(try !SocketAddress(ipAddress: "::2", port: 1).isLoopback)
    }

    @Test func logLevelNames() {
        #expect(LogLevelControl.parse(" Info\r\n") == .info)
        #expect(LogLevelControl.parse("warn") == .warning)
        #expect(LogLevelControl.parse("critical") == .critical)
        #expect(LogLevelControl.parse("info,tern=debug") == nil)
        let control = LogLevelControl(.trace)
        for level in Logger.Level.allCases {
            control.level = level
            #expect(control.level == level)
        }
    }
}
