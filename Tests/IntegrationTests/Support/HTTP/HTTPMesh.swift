import Foundation

/// The HTTP topology: an `HTTPTestServer` behind a server proxy, published as Service
/// `echo.test` (port 7000) with detection on (not opaque), and a client proxy the test talks
/// to in explicit mode, as curl with `-x` or with a `Host` header to the outbound port would.
struct HTTPMesh {
    let mesh: MeshFixture
    let server: HTTPTestServer
    let serverProxy: ProxyProcess
    let clientProxy: ProxyProcess

    static let authority = EchoMesh.authority
    static let url = "http://\(authority)"

    static func manifests(appPort: Int, proxyInbound: Int) -> String {
        EchoManifests.yaml(selecting: "echo", [
            .init(name: "echo", appPort: appPort, identity: EchoMesh.serverIdentity, proxyInbound: proxyInbound, opaque: false),
        ])
    }

    /// Runs `body` with a started mesh and always stops it, even when the body or the startup
    /// fails. `clientProxyEnvironment` adds or overrides the client proxy's TERN_PROXY_* variables.
    static func with(clientProxyEnvironment: [String: String] = [:], _ body: (HTTPMesh) async throws -> Void) async throws {
        let server = try HTTPTestServer(name: "echo")
        defer { server.kill() }
        let pair = try await MeshFixture.start { mesh in
            let (serverProxy, clientProxy) = try await startProxies(mesh, appPort: server.port,
                                                                    clientProxyEnvironment: clientProxyEnvironment)
            return HTTPMesh(mesh: mesh, server: server, serverProxy: serverProxy, clientProxy: clientProxy)
        }
        try await pair.mesh.stopping { try await body(pair) }
    }

    /// The controller and both proxies of the topology, in front of an application already
    /// listening on `appPort`. `extraManifests` (file name → YAML) are published beside the
    /// Service before the controller starts.
    static func startProxies(_ mesh: MeshFixture, appPort: Int, extraManifests: [String: String] = [:],
                             clientProxyEnvironment: [String: String] = [:])
        async throws -> (server: ProxyProcess, client: ProxyProcess) {
        let serverInbound = freePort()
        try mesh.write("echo.yaml", manifests(appPort: appPort, proxyInbound: serverInbound))
        for (name, yaml) in extraManifests { try mesh.write(name, yaml) }
        try await mesh.startController()
        let serverProxy = try await mesh.startProxy("echo", namespace: "test", inboundPort: serverInbound)
        let clientProxy = try await mesh.startProxy("client", namespace: "test", extra: clientProxyEnvironment)
        return (serverProxy, clientProxy)
    }

    /// A connection to the client proxy's outbound port, for hand-written HTTP/1.
    func connect() async throws -> HTTP1Connection {
        let port = clientProxy.outboundPort
        return try await offPool { HTTP1Connection(try BlockingSocket.connect(host: "127.0.0.1", port: port)) }
    }

    /// curl through the client proxy: HTTP/1 as a proxy client (absolute-form), HTTP/2 with
    /// prior knowledge straight to the outbound port with the Service as `:authority`.
    func curl(_ path: String, http2: Bool = false, _ extra: [String] = []) async throws -> CurlResult {
        let target = http2
            ? ["--http2-prior-knowledge", "-H", "host: \(Self.authority)", "http://127.0.0.1:\(clientProxy.outboundPort)\(path)"]
            : ["-x", "http://127.0.0.1:\(clientProxy.outboundPort)", Self.url + path]
        return try await Curl.run(extra + target)
    }

    /// Resident memory of a proxy process in bytes, from /proc (VmRSS).
    static func residentBytes(_ proxy: ProxyProcess) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(proxy.process.process.processIdentifier)/status", encoding: .utf8)) ?? ""
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }
}
