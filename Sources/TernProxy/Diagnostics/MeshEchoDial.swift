import ServiceLifecycle
import TernCore
import TernTLS

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One echo exchange as a service: waits for the proxy's certificate, dials, prints the
/// verified peer and the reply, then ends — and a service that ends makes the group shut the
/// certifier and client down, so `tern-proxy mesh-echo-client` exits by itself.
public struct MeshEchoDial: Service {
    let host: String
    let port: Int
    let expected: MeshIdentity
    let message: String
    let tls: MeshTLS

    public init(host: String, port: Int, expected: MeshIdentity, message: String, tls: MeshTLS) {
        self.host = host
        self.port = port
        self.expected = expected
        self.message = message
        self.tls = tls
    }

    public func run() async throws {
        // Shutdown before the first certificate (e.g. SIGTERM while Certify keeps failing)
        // must end the wait, not hang the group.
        let ready = await cancelWhenGracefulShutdown { await tls.credentials.waitUntilReady() }
        guard ready != nil else { return }
        let exchange = try await MeshEchoClient.exchange(
            host: host, port: port, expected: expected, message: message, tls: tls)
        print("verified server \(exchange.server.dnsName)")
        print(exchange.reply)
        fflush(nil)
    }
}
