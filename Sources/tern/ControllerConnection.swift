import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import TernTLS
import X509

/// How a CLI command reaches the controller: address, and TLS that checks the controller's
/// identity against the mesh's trust anchors (or plaintext, for loopback testing).
struct ControllerConnection: ParsableArguments {
    @Option(name: .long, help: "Controller address as host:port (default: the API's standard port on 127.0.0.1).")
    var controller: String?

    @Option(name: .long, help: "Trust anchors (PEM) to verify the controller's certificate; enables TLS.")
    var trustAnchors: String?

    @Option(name: .long, help: "Identity the controller's certificate must carry (with --trust-anchors).")
    var serverName: String?

    @Option(name: .long, help: "How long to wait for the controller's answer, in seconds.")
    var timeout = 10

    /// The call's deadline: the first message must arrive within the timeout.
    var callOptions: CallOptions {
        var options = CallOptions.defaults
        options.timeout = .seconds(timeout)
        return options
    }

    func endpoint(defaultPort: Int) throws -> (host: String, port: Int) {
        guard let controller else { return ("127.0.0.1", defaultPort) }
        guard let colon = controller.lastIndex(of: ":"), let port = Int(controller[controller.index(after: colon)...]),
              (1...65535).contains(port) else {
            throw ValidationError("--controller must be host:port, got \"\(controller)\"")
        }
        return (String(controller[..<colon]), port)
    }

    /// Runs `body` with a connected client; the connection closes when it returns.
    func withClient<T: Sendable>(defaultPort: Int, defaultServerName: String,
                                 _ body: @Sendable (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> T) async throws -> T {
        let (host, port) = try endpoint(defaultPort: defaultPort)
        var config = HTTP2ClientTransport.Posix.Config.defaults
        let security: HTTP2ClientTransport.Posix.TransportSecurity
        if let trustAnchors {
            let anchors: [Certificate]
            do { anchors = try PEMFiles.certificates(atPath: trustAnchors) } catch {
                throw ValidationError("--trust-anchors: \(error)")
            }
            config.http2.authority = serverName ?? defaultServerName
            security = .tls(.init(certificateChain: [], privateKey: nil, serverCertificateVerification: .fullVerification,
                                  trustRoots: .certificates(try anchors.map { .bytes(try $0.derEncoded(), format: .der) })))
        } else {
            security = .plaintext
        }
        let transport = try HTTP2ClientTransport.Posix(
            target: host.contains(":") ? .ipv6(address: host, port: port) : .ipv4(address: host, port: port),
            transportSecurity: security, config: config)
        return try await withGRPCClient(transport: transport) { client in try await body(client) }
    }
}
