import GRPCCore
import Testing

/// gRPC through the proxy pair with a real grpc-swift client and server, for every call kind:
/// client → client proxy (explicit mode, the Service as `:authority`) → mTLS HTTP/2 → server
/// proxy → h2c → application. Statuses pass through untouched and the golden metrics classify
/// them; with no endpoints the client proxy answers UNAVAILABLE in gRPC terms.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ProxyGRPCTests {
    @Test func unaryCallsShareOneConnectionAndAreCountedAsSuccesses() async throws {
        try await GRPCMesh.with { pair in
            let calls = 20
            let answers = try await pair.withClient { client in
                var answers: [String] = []
                for index in 0..<calls { answers.append(try await client.echo("hello \(index)")) }
                return answers
            }
            #expect(answers == (0..<calls).map { "hello \($0)" })
            // Every call rode the client's one HTTP/2 connection, multiplexed by the proxy.
            #expect(try await pair.clientProxy.metric("tcp_open_total", ["direction": "outbound", "peer": "src"]) == 1)
            try await expectResponses(on: pair, ["grpc_status": "0", "classification": "success"], Double(calls), total: Double(calls))
        }
    }

    @Test func streamingCallsOfEveryKindCrossThePairInOrder() async throws {
        try await GRPCMesh.with { pair in
            try await pair.withClient { client in
                // Server streaming, many small messages.
                let many = try await client.expand(count: 1_000, size: 64)
                #expect(many.count == 1_000)
                #expect(many == (0..<1_000).map { EchoGRPCService.expanded($0, size: 64) }, "out of order or altered")

                // Server streaming, a few large messages (1.5 MiB in all): each spans many
                // HTTP/2 frames and flow-control windows on every hop.
                let size = 384 * 1024
                let large = try await client.expand(count: 4, size: size)
                #expect(large.map(\.utf8.count) == Array(repeating: size, count: 4))
                #expect(large == (0..<4).map { EchoGRPCService.expanded($0, size: size) }, "out of order or altered")

                // Client streaming: 1,000 messages, one answer.
                #expect(try await client.sum(Array(1...1_000)) == "1000 500500")

                // Bidirectional in lock step: 200 round trips on one open stream.
                let messages = (0..<200).map { "ping \($0)" }
                #expect(try await client.chatInLockStep(messages) == messages)
            }
            try await expectResponses(on: pair, ["grpc_status": "0", "classification": "success"], 4, total: 4)
        }
    }

    /// grpc-swift answers a failed call "trailers-only": one HEADERS frame with END_STREAM
    /// carrying `grpc-status` and `grpc-message`. Through the pair the client must see exactly
    /// the code and message the application sent.
    @Test func statusesCrossThePairUntouchedAndClassifyAsFailures() async throws {
        try await GRPCMesh.with { pair in
            // Baseline without the proxies: the application itself answers as expected.
            let direct = try await pair.withDirectClient { client in
                await #expect(throws: RPCError.self) { try await client.echo("hi", method: EchoGRPCService.Method.deny) }
            }
            #expect(direct?.code == .permissionDenied && direct?.message == EchoGRPCService.deniedMessage,
                    "\(String(describing: direct))")

            try await pair.withClient { client async throws in
                for index in 0..<3 { #expect(try await client.echo("ok \(index)") == "ok \(index)") }

                let denied = await #expect(throws: RPCError.self) {
                    try await client.echo("let me in", method: EchoGRPCService.Method.deny)
                }
                #expect(denied?.code == .permissionDenied, "\(String(describing: denied))")
                #expect(denied?.message == EchoGRPCService.deniedMessage)

                let missing = await #expect(throws: RPCError.self) {
                    try await client.echo("anyone?", method: EchoGRPCService.Method.missing)
                }
                #expect(missing?.code == .unimplemented, "\(String(describing: missing))")
            }
            try await expectResponses(on: pair, ["grpc_status": "0", "classification": "success"], 3, total: 5)
            try await expectResponses(on: pair, ["grpc_status": "7", "classification": "failure"], 1, total: 5)
            try await expectResponses(on: pair, ["grpc_status": "12", "classification": "failure"], 1, total: 5)
        }
    }

    @Test func aServiceWithoutEndpointsAnswersUnavailable() async throws {
        try await GRPCMesh.with(extraManifests: ["empty.yaml": Self.emptyService]) { pair in
            try await pair.withClient(authority: Self.emptyAuthority) { client in
                let error = await #expect(throws: RPCError.self) { try await client.echo("anyone?") }
                #expect(error?.code == .unavailable, "\(String(describing: error))")
                #expect(error?.message.contains("no endpoints") == true, "\(String(describing: error))")
            }
        }
    }

    /// The proxy's own UNAVAILABLE answer is a gRPC response (HTTP 200, `grpc-status: 14` in
    /// trailers), so the golden metrics must count it as one: the status the client saw.
    @Test func anUnavailableAnswerIsCountedWithItsGRPCStatus() async throws {
        try await GRPCMesh.with(extraManifests: ["empty.yaml": Self.emptyService]) { pair in
            try await pair.withClient(authority: Self.emptyAuthority) { client in
                let error = await #expect(throws: RPCError.self) { try await client.echo("anyone?") }
                #expect(error?.code == .unavailable, "\(String(describing: error))")
            }
            let labels = ["direction": "outbound", "authority": Self.emptyAuthority]
            let proxy = pair.clientProxy
            try await eventually { try await proxy.metric("response_total", labels) == 1 }
            #expect(try await proxy.metric("response_total", labels.merging(["classification": "failure", "error": "no endpoints"]) { $1 }) == 1)
            let counted = try await proxy.metrics().filter { $0.series.hasPrefix("response_total{") && $0.series.contains(Self.emptyAuthority) }
            #expect(try await proxy.metric("response_total", labels.merging(["grpc_status": "14", "status_code": "200"]) { $1 }) == 1,
                    "\(counted.map(\.series))")
        }
    }

    @Test func anApplicationStoppedAndRemovedAnswersUnavailable() async throws {
        try await GRPCMesh.with { pair in
            try await pair.withClient { client in
                #expect(try await client.echo("before") == "before")

                pair.app.beginGracefulShutdown()
                let workload = EchoManifests.Workload(name: "echo", appPort: pair.appPort, identity: EchoMesh.serverIdentity,
                                                      proxyInbound: pair.serverProxy.inboundPort, opaque: false)
                try pair.mesh.write("echo.yaml", EchoManifests.yaml(selecting: "nobody", [workload]))

                // Until discovery drops the endpoint the server proxy cannot reach the stopped
                // application; either way every failed call must be UNAVAILABLE, never a hang
                // or another code, and once the endpoint is gone the cause is "no endpoints".
                var codes: [RPCError.Code] = []
                var lastMessage = ""
                try await eventually {
                    do {
                        _ = try await client.echo("after")
                        Issue.record("a call succeeded after the application stopped")
                    } catch let error as RPCError {
                        codes.append(error.code)
                        lastMessage = error.message
                    }
                    return lastMessage.contains("no endpoints")
                }
                #expect(!codes.isEmpty && codes.allSatisfy { $0 == .unavailable }, "\(codes)")
                #expect(lastMessage.contains("no endpoints"), "\(lastMessage)")
            }
            // The application really is gone, not just deselected.
            let direct = try await pair.withDirectClient { client in
                await #expect(throws: RPCError.self) { try await client.echo("still there?") }
            }
            #expect(direct?.code == .unavailable, "\(String(describing: direct))")
        }
    }

    static let emptyAuthority = "empty.test.svc.cluster.local:7000"

    /// Service `empty.test`: known to discovery, selecting no workload.
    static let emptyService = """
        apiVersion: v1
        kind: Service
        metadata:
          name: empty
          namespace: test
        spec:
          clusterIP: 10.96.0.51
          selector:
            app: nobody
          ports:
            - port: 7000
              targetPort: app
        """

    /// Both proxies counted `count` responses with `labels`, out of `total` in all, each on
    /// its side of the mTLS hop (the server proxy's count may trail the client's end of call).
    private func expectResponses(on pair: GRPCMesh, _ labels: [String: String], _ count: Double, total: Double) async throws {
        let outbound = ["direction": "outbound", "tls": "true", "server_id": EchoMesh.serverIdentity, "dst_service": "echo"]
        let inbound = ["direction": "inbound", "tls": "true", "client_id": EchoMesh.clientIdentity]
        let server = pair.serverProxy
        try await eventually { try await server.metric("response_total", inbound) == total }
        for (proxy, base) in [(pair.clientProxy, outbound), (pair.serverProxy, inbound)] {
            #expect(try await proxy.metric("request_total", base) == total, "\(base["direction"]!)")
            let value = try await proxy.metric("response_total", base.merging(labels) { $1 })
            #expect(value == count, "\(base["direction"]!) \(labels): \(value)")
        }
    }
}
