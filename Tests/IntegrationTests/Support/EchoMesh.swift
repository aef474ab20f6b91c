import Foundation

/// The topology most proxy tests use: an application server behind a server-side proxy,
/// published as Service `echo.test` (cluster IP 10.96.0.50, port 7000) through an
/// ExternalWorkload with the server proxy's identity; and a client-side proxy the test talks
/// to in explicit mode (`CONNECT echo.test.svc.cluster.local:7000`).
struct EchoMesh {
    let mesh: MeshFixture
    let server: TCPTestServer
    let serverProxy: ProxyProcess
    let clientProxy: ProxyProcess

    static let authority = "echo.test.svc.cluster.local:7000"
    static let serverIdentity = MeshFixture.identity("echo", "test")
    static let clientIdentity = MeshFixture.identity("client", "test")

    /// Starts the topology on a new mesh; if any step fails, what was started is stopped.
    /// - Parameter claimedIdentity: the identity discovery promises for the endpoint; a
    ///   different one than the server proxy really has makes the client refuse it.
    static func start(_ behavior: TCPTestServer.Behavior, claimedIdentity: String = serverIdentity) async throws -> EchoMesh {
        let server = try TCPTestServer(behavior: behavior)
        do {
            return try await MeshFixture.start { mesh in
                let serverInbound = freePort()
                try mesh.write("echo.yaml", manifests(appPort: server.port, proxyInbound: serverInbound, identity: claimedIdentity))
                try await mesh.startController()
                let serverProxy = try await mesh.startProxy("echo", namespace: "test", inboundPort: serverInbound)
                let clientProxy = try await mesh.startProxy("client", namespace: "test")
                return EchoMesh(mesh: mesh, server: server, serverProxy: serverProxy, clientProxy: clientProxy)
            }
        } catch {
            server.kill()
            throw error
        }
    }

    static func manifests(appPort: Int, proxyInbound: Int, identity: String) -> String {
        EchoManifests.yaml(selecting: "echo", [
            .init(name: "echo", appPort: appPort, identity: identity, proxyInbound: proxyInbound),
        ])
    }

    /// Opens a tunnel through the client proxy and returns the socket after the 200.
    func tunnel(to authority: String = EchoMesh.authority) async throws -> BlockingSocket {
        let port = clientProxy.outboundPort
        return try await offPool {
            let socket = try BlockingSocket.connect(host: "127.0.0.1", port: port)
            try socket.send("CONNECT \(authority) HTTP/1.1\r\nhost: \(authority)\r\n\r\n")
            let head = try socket.receiveHead()
            guard head.hasPrefix("HTTP/1.1 200") else { throw HarnessError("CONNECT answered: \(head)") }
            return socket
        }
    }

    /// Runs `body` with a started mesh and always stops it, even when the body fails, so no
    /// process outlives its test.
    static func with(_ behavior: TCPTestServer.Behavior, claimedIdentity: String = serverIdentity,
                     _ body: (EchoMesh) async throws -> Void) async throws {
        let pair = try await start(behavior, claimedIdentity: claimedIdentity)
        do {
            try await body(pair)
        } catch {
            await pair.stop()
            throw error
        }
        await pair.stop()
    }

    func stop() async {
        server.kill()
        await mesh.stop()
    }
}
