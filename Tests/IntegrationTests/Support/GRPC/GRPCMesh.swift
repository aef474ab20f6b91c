import GRPCCore
import GRPCNIOTransportHTTP2

/// The gRPC topology: a grpc-swift server (`EchoGRPCService`, plaintext HTTP/2) in the test
/// process behind a server proxy, published as Service `echo.test` port 7000 with protocol
/// detection on, and a client proxy the test's grpc-swift client dials in explicit mode, the
/// Service being the request's `:authority`. The proxies speak mTLS HTTP/2 between them and
/// h2c to the application, as `HTTPMesh` does for plain HTTP.
struct GRPCMesh {
    typealias App = GRPCServer<HTTP2ServerTransport.Posix>
    typealias Client = GRPCClient<HTTP2ClientTransport.Posix>

    let mesh: MeshFixture
    let app: App
    let appPort: Int
    let serverProxy: ProxyProcess
    let clientProxy: ProxyProcess

    /// Runs `body` with a started mesh and application, and always stops both, even when the
    /// body fails. The application runs as a child task, so it cannot outlive the call.
    /// `extraManifests` (file name → YAML) are published beside the Service before the
    /// controller starts. `appConfig` configures the application's server transport (e.g. a
    /// connection max age, so it keeps sending GOAWAY to the server proxy).
    static func with(extraManifests: [String: String] = [:], appConfig: HTTP2ServerTransport.Posix.Config = .defaults,
                     _ body: (GRPCMesh) async throws -> Void) async throws {
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: .plaintext, config: appConfig)
        let app = GRPCServer(transport: transport, services: [EchoGRPCService()])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await app.serve() }
            // Runs after the proxies are gone, so no stream can hold the graceful shutdown open.
            defer { app.beginGracefulShutdown() }
            guard let appPort = try await transport.listeningAddress.ipv4?.port else {
                throw HarnessError("the gRPC application is not listening on IPv4")
            }
            let mesh = try await MeshFixture()
            try await mesh.stopping {
                let proxies = try await HTTPMesh.startProxies(mesh, appPort: appPort, extraManifests: extraManifests)
                try await body(GRPCMesh(mesh: mesh, app: app, appPort: appPort,
                                        serverProxy: proxies.server, clientProxy: proxies.client))
            }
        }
    }

    /// Runs `body` with a grpc-swift client on one HTTP/2 connection to the client proxy's
    /// outbound port, sending `authority` as every call's `:authority` (explicit mode).
    func withClient<Result: Sendable>(authority: String = EchoMesh.authority,
                                      _ body: (Client) async throws -> Result) async throws -> Result {
        try await Self.withClient(port: clientProxy.outboundPort, authority: authority, body)
    }

    /// The same client dialling the application itself, bypassing both proxies: the baseline
    /// a call through the pair must match.
    func withDirectClient<Result: Sendable>(_ body: (Client) async throws -> Result) async throws -> Result {
        try await Self.withClient(port: appPort, authority: EchoMesh.authority, body)
    }

    private static func withClient<Result: Sendable>(port: Int, authority: String,
                                                     _ body: (Client) async throws -> Result) async throws -> Result {
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port),
            transportSecurity: .plaintext,
            config: .defaults { $0.http2.authority = authority })
        return try await withGRPCClient(transport: transport, handleClient: body)
    }
}
