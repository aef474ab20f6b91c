import Foundation
import Testing

/// The sidecar layout for real: two network namespaces on a bridge, `tern proxy-init` rules in
/// each, a `tern-proxy` per namespace running as the exempt UID, and applications that know
/// nothing of the mesh. The client connects to the Service's cluster IP; iptables sends it
/// through both proxies, which speak mTLS with each other's exact identities.
@Suite(.serialized, .enabled(if: TestNetwork.unavailableReason == nil, "needs root, ip, iptables and setpriv"))
struct ProxyPairTransparentTests {
    @Test func applicationsTalkThroughBothProxiesUnderMTLS() async throws {
        let network = try TestNetwork()
        defer { network.remove() }
        let client = try network.addNamespace("client", host: 2)
        let server = try network.addNamespace("server", host: 3)
        let mesh = try await MeshFixture(host: network.gateway)
        try await mesh.stopping { try await exercise(mesh: mesh, client: client.name, server: server) }
    }

    private func exercise(mesh: MeshFixture, client: String, server: (name: String, address: String)) async throws {
        try mesh.write("echo.yaml", manifests(serverAddress: server.address))
        try await mesh.startController()
        for netns in [client, server.name] {
            let (status, _, err) = try await run("tern", ["proxy-init", "--netns", netns, "--proxy-uid", "2102"])
            #expect(status == 0, "proxy-init: \(err)")
        }
        // Speaks HTTP/1 and HTTP/2, and echoes bytes that are neither (the opaque traffic).
        let app = try HTTPTestServer(name: "echo", host: "0.0.0.0", port: 7000, namespace: server.name)
        defer { app.kill() }
        let serverProxy = try await mesh.startProxy("echo", namespace: "test", netns: server.name)
        let clientProxy = try await mesh.startProxy("client", namespace: "test", netns: client)

        // 1. A large opaque transfer to the cluster IP, both ways at once.
        let size = 4 * 1024 * 1024
        let echoed = try await offPool { () -> [UInt8] in
            let socket = try BlockingSocket.connect(host: "10.96.0.50", port: 7000, namespace: client)
            let sender = Thread {
                var offset = 0
                while offset < size {
                    try? socket.send(Array(TCPTestServer.pattern(min(65536, size - offset), offset: offset)))
                    offset += 65536
                }
                socket.shutdownWrite()
            }
            sender.start()
            return try socket.receiveAll()
        }
        #expect(echoed.count == size)
        #expect(TCPTestServer.matchesPattern(echoed))

        // 2. HTTP arriving one byte at a time: detection waits, loses nothing, reorders nothing,
        //    and the request crosses the mesh as HTTP (HTTP/1 restored for the application).
        let request = "GET /echo?slow=1 HTTP/1.1\r\nhost: echo.test\r\nconnection: close\r\n\r\n"
        let slow = try await offPool { () -> HTTP1Response in
            let connection = HTTP1Connection(try BlockingSocket.connect(host: "10.96.0.50", port: 7000, namespace: client))
            defer { connection.close() }
            for byte in request.utf8 {
                try connection.send([byte])
                usleep(5_000)
            }
            return try connection.readResponse()
        }
        #expect(slow.status == 200, "\(slow.head)")
        #expect(slow.text.hasPrefix("GET /echo?slow=1 HTTP/1.1\nhost: echo.test\n"), "\(slow.text)")
        #expect(app.requests("/echo") == 1)

        // 3. An application outside the mesh reaches the server's port: the inbound proxy
        //    takes the redirected plaintext to the application.
        let address = server.address
        let plain = try await offPool { () -> String in
            let socket = try BlockingSocket.connect(host: address, port: 7000)
            try socket.send("plaintext")
            socket.shutdownWrite()
            return String(decoding: try socket.receiveAll(), as: UTF8.self)
        }
        #expect(plain == "plaintext")

        // 3b. The same unmeshed client speaking HTTP: the inbound proxy serves it as HTTP, in
        //     the client's own protocol, counted with tls="no_identity"; an upgrade still
        //     becomes a byte stream to the application.
        let plainHTTP1 = try await Curl.run(["http://\(address):7000/echo?plain=1"])
        #expect(plainHTTP1.statusCode == 200, "\(plainHTTP1.stderr)")
        #expect(plainHTTP1.text.hasPrefix("GET /echo?plain=1 HTTP/1.1\n"), "\(plainHTTP1.text)")
        let plainHTTP2 = try await Curl.run(["--http2-prior-knowledge", "http://\(address):7000/echo?plain=2"])
        #expect(plainHTTP2.statusCode == 200, "\(plainHTTP2.stderr)")
        let (upgradeHead, upgraded) = try await offPool { () -> (HTTP1Response, String) in
            let connection = HTTP1Connection(try BlockingSocket.connect(host: address, port: 7000))
            defer { connection.close() }
            try connection.send("GET /upgrade HTTP/1.1\r\nhost: echo.test\r\nconnection: upgrade\r\nupgrade: echo-test\r\n\r\n")
            let head = try connection.readResponse(bodyless: true)
            try connection.send("after the switch")
            return (head, String(decoding: try connection.read(exactly: 16), as: UTF8.self))
        }
        #expect(upgradeHead.status == 101, "\(upgradeHead.head)")
        #expect(upgraded == "after the switch")

        // 4. Metrics on both sides name the peers' identities. The opaque transfer is counted
        //    in bytes on its own mesh connection; the HTTP request as one request and one
        //    200 response on each proxy.
        try await eventually { try await clientProxy.metric("tcp_close_total", ["direction": "outbound", "peer": "dst"]) == 1 }
        let dst = ["direction": "outbound", "peer": "dst", "tls": "true", "server_id": EchoMesh.serverIdentity,
                   "target_addr": "\(server.address):7000", "dst_service": "echo"]
        #expect(try await clientProxy.metric("tcp_close_total", dst) == 1)
        // Two connections to the endpoint: the opaque transfer's (closed, exact bytes) and the
        // HTTP/2 session the HTTP request rode (still open, its framing on top).
        #expect(try await clientProxy.metric("tcp_open_total", dst) == 2)
        #expect(try await clientProxy.metric("tcp_write_bytes_total", dst) > Double(size))
        let outboundHTTP = ["direction": "outbound", "tls": "true", "server_id": EchoMesh.serverIdentity, "dst_service": "echo"]
        #expect(try await clientProxy.metric("request_total", outboundHTTP) == 1)
        #expect(try await clientProxy.metric("response_total", outboundHTTP.merging(
            ["status_code": "200", "classification": "success"]) { $1 }) == 1)
        let inboundHTTP = ["direction": "inbound", "tls": "true", "client_id": EchoMesh.clientIdentity]
        try await eventually { try await serverProxy.metric("response_total", inboundHTTP) == 1 }
        #expect(try await serverProxy.metric("request_total", inboundHTTP) == 1)
        #expect(try await serverProxy.metric("response_total", inboundHTTP.merging(
            ["status_code": "200", "classification": "success"]) { $1 }) == 1)
        let unmeshed = ["direction": "inbound", "tls": "no_identity", "no_tls_reason": "no_tls_from_remote"]
        try await eventually { try await serverProxy.metric("response_total", unmeshed) == 2 }
        #expect(try await serverProxy.metric("request_total", unmeshed) == 2)
        #expect(try await serverProxy.metric("response_total", unmeshed.merging(
            ["status_code": "200", "classification": "success", "target_addr": "\(server.address):7000"]) { $1 }) == 2)
        // Four unmeshed connections: the plaintext bytes, HTTP/1, HTTP/2 and the upgrade.
        try await eventually { try await serverProxy.metric("tcp_close_total", ["direction": "inbound", "peer": "src", "tls": "no_identity"]) == 4 }
        #expect(try await serverProxy.metric("tcp_read_bytes_total", ["direction": "inbound", "peer": "src", "tls": "true",
                                                                      "client_id": EchoMesh.clientIdentity]) >= Double(size))
        #expect(try await serverProxy.metric("tcp_open_total", ["direction": "inbound", "peer": "src", "tls": "no_identity",
                                                                "no_tls_reason": "no_tls_from_remote"]) == 4)
        // Two opaque connections reached the application as byte streams; the meshed and the
        // plaintext HTTP/1 requests as HTTP/1 (the upgrade on a connection of its own), the
        // plaintext HTTP/2 request as HTTP/2.
        #expect(app.connections(.echo) == 2)
        #expect(app.connections(.http1) >= 2)
        #expect(app.connections(.http2) == 1)
        #expect(app.requests("/echo") == 3)
    }

    /// The server's application behind its proxy on the standard ports, not marked opaque:
    /// both proxies detect the protocol.
    private func manifests(serverAddress: String) -> String {
        EchoManifests.yaml(selecting: "echo", [
            .init(name: "echo", appPort: 7000, identity: EchoMesh.serverIdentity, address: serverAddress, opaque: false),
        ])
    }
}
