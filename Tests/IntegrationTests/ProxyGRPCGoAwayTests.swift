import GRPCCore
import GRPCNIOTransportHTTP2
import Testing

/// An application that closes its HTTP/2 connections often (a gRPC server with a short max
/// connection age) must cost no call. grpc-swift retires a connection gracefully: GOAWAY with
/// the highest stream ID, a PING round trip, then GOAWAY with the last stream it processed.
/// Requests the server proxy sent after that last ID were never seen by the application, so the
/// proxy replays them on a new connection; the client never learns a GOAWAY happened.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ProxyGRPCGoAwayTests {
    static let minimumCalls = 2_000
    static let concurrency = 16
    /// Long enough for a dozen connection lifetimes, so GOAWAYs land at many points of the load.
    static let minimumLoadTime = Duration.seconds(3)
    static let appConnectionMaxAge = Duration.milliseconds(250)
    /// An echo answers within milliseconds; a call still open after this was held by a proxy,
    /// and the test should say so without waiting out the usual 60 s bound.
    static let callOptions: CallOptions = {
        var options = CallOptions.defaults
        options.timeout = .seconds(10)
        return options
    }()

    @Test(.disabled("known bug, issue 6 note: with the app closing its connection every 250 ms, 0.3–1% of calls still fail with \"upstream reset: I/O on closed channel\" (streams at or below the GOAWAY's last stream ID that were open when the connection closed); refused streams are replayed; no call hung in two runs after the flush fix"))
    func applicationGoAwaysUnderLoadCostNoCall() async throws {
        let appConfig = HTTP2ServerTransport.Posix.Config.defaults {
            $0.connection.maxAge = Self.appConnectionMaxAge
            // Unary echoes finish within milliseconds; the grace time only bounds how long a
            // retiring connection may linger, so connections really close while the load runs.
            $0.connection.maxGraceTime = .seconds(1)
        }
        try await GRPCMesh.with(appConfig: appConfig) { pair in
            let started = ContinuousClock.now
            let outcome = try await pair.withClient { client in try await Self.load(client) }
            let elapsed = ContinuousClock.now - started
            let calls = outcome.succeeded + outcome.failures.count

            let appConnections = try await pair.serverProxy.metric(
                "tcp_open_total", ["direction": "inbound", "peer": "dst", "target_addr": "127.0.0.1:\(pair.appPort)"])
            print("goaway load: \(calls) calls in \(elapsed), \(outcome.failures.count) failed, "
                  + "\(Int(appConnections)) server proxy → application connections")
            for failure in outcome.failures.prefix(20) { print("goaway load failure: \(failure)") }
            if !outcome.failures.isEmpty {
                for line in pair.serverProxy.process.stderr.split(separator: "\n").suffix(30) { print("server proxy: \(line)") }
            }

            #expect(outcome.failures.isEmpty, "\(outcome.failures.count) of \(calls) calls failed, first: \(outcome.failures.prefix(5))")
            #expect(calls >= Self.minimumCalls)
            // More than one connection to the application proves it retired connections (GOAWAY)
            // while calls were in flight.
            #expect(appConnections > 1, "\(appConnections)")
            try await expectAllCountedAsSuccesses(on: pair, calls: Double(calls))
        }
    }

    /// What the load saw: calls answered correctly, and how every other call ended.
    struct LoadOutcome: Sendable {
        var succeeded = 0
        var failures: [String] = []
    }

    /// `concurrency` workers call `Echo` back to back on the one client connection until
    /// together they made `minimumCalls` and `minimumLoadTime` has passed, so that many calls
    /// are always in flight when the application sends GOAWAY.
    static func load(_ client: GRPCMesh.Client) async throws -> LoadOutcome {
        let deadline = ContinuousClock.now.advanced(by: minimumLoadTime)
        let callsPerWorker = (minimumCalls + concurrency - 1) / concurrency
        return await withTaskGroup(of: LoadOutcome.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var outcome = LoadOutcome()
                    var index = 0
                    while index < callsPerWorker || ContinuousClock.now < deadline {
                        let text = "worker \(worker) call \(index)"
                        do {
                            let answer = try await client.echo(text, options: callOptions)
                            if answer == text { outcome.succeeded += 1 } else { outcome.failures.append("\(text): answered \"\(answer)\"") }
                        } catch let error as RPCError {
                            outcome.failures.append("\(text): \(error.code) \"\(error.message)\" cause: \(String(describing: error.cause))")
                        } catch {
                            outcome.failures.append("\(text): \(error)")
                        }
                        index += 1
                    }
                    return outcome
                }
            }
            var total = LoadOutcome()
            for await outcome in group {
                total.succeeded += outcome.succeeded
                total.failures += outcome.failures
            }
            return total
        }
    }

    /// Both proxies answered every call once, each as a success: a replayed request is still
    /// one response to the client.
    private func expectAllCountedAsSuccesses(on pair: GRPCMesh, calls: Double) async throws {
        let outbound = ["direction": "outbound", "tls": "true", "server_id": EchoMesh.serverIdentity, "dst_service": "echo"]
        let inbound = ["direction": "inbound", "tls": "true", "client_id": EchoMesh.clientIdentity]
        let server = pair.serverProxy
        try await eventually { try await server.metric("response_total", inbound) >= calls }
        for (proxy, base) in [(pair.clientProxy, outbound), (pair.serverProxy, inbound)] {
            let side = base["direction"]!
            let responses = try await proxy.metric("response_total", base)
            let successes = try await proxy.metric("response_total", base.merging(["classification": "success", "grpc_status": "0"]) { $1 })
            let requests = try await proxy.metric("request_total", base)
            print("goaway load \(side): request_total \(requests), response_total \(responses), successes \(successes)")
            let unsuccessful = try await proxy.metrics().filter {
                $0.series.hasPrefix("response_total{") && $0.series.contains("\"\(side)\"") && !$0.series.contains("classification=\"success\"")
            }
            for (series, value) in unsuccessful { print("goaway load \(side): \(series) \(value)") }
            #expect(responses == calls, "\(side) response_total \(responses) for \(calls) calls")
            #expect(successes == calls, "\(side) successful responses \(successes) for \(calls) calls")
        }
    }
}
