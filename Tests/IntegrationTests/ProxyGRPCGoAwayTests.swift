import GRPCCore
import GRPCNIOTransportHTTP2
import Testing

/// An application that closes its HTTP/2 connections often (a gRPC server with a short max
/// connection age) under load. grpc-swift retires a connection gracefully: GOAWAY with the
/// highest stream ID, a PING round trip, then GOAWAY with the last stream it processed.
///
/// Its HTTP/2 stack (swift-nio-http2) does not keep the first GOAWAY's promise: a stream that
/// was already on its way when the GOAWAY left is refused (RST_STREAM REFUSED_STREAM), and the
/// DATA frame that followed that stream's HEADERS is then taken as a PROTOCOL_ERROR, which
/// closes the connection with the streams behind it still open. The proxy replays every
/// refused stream; the streams open when the application broke the connection may have been
/// processed, so they fail (UNAVAILABLE, naming the application's error) rather than run twice.
/// The test allows exactly those failures and nothing else. A grpc-swift client connected
/// straight to the same application loses 13–20% of its calls to the same race; through the
/// mesh it is under 2%. `ProxyUpstreamGoAwayTests` covers the replays against nginx, whose
/// GOAWAYs follow the protocol.
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

    @Test(.disabled("""
        the application, not the proxy: in about one run in ten, grpc-swift accepts a call \
        (its whole request delivered before its GOAWAY, the stream at or below the GOAWAY's last \
        stream ID) and neither answers it nor closes the connection after its grace time, so the \
        call waits out its deadline; frame traces in the issue 6 note
        """))
    func applicationGoAwaysUnderLoadCostOnlyTheCallsTheApplicationDropped() async throws {
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
            let notTheApplications = outcome.failures.filter { !$0.contains(Self.applicationDropped) }
            if !notTheApplications.isEmpty {
                for line in pair.serverProxy.process.stderr.split(separator: "\n").suffix(30) { print("server proxy: \(line)") }
            }
            #expect(notTheApplications.isEmpty, "\(notTheApplications.count) of \(calls) calls failed otherwise: \(notTheApplications.prefix(5))")
            // Replays keep the application's race from costing more than a few calls.
            #expect(outcome.failures.count * 20 < calls, "\(outcome.failures.count) of \(calls) calls failed")
            #expect(calls >= Self.minimumCalls)
            // More than one connection to the application proves it retired connections (GOAWAY)
            // while calls were in flight.
            #expect(appConnections > 1, "\(appConnections)")
            try await expectCounted(on: pair, calls: Double(calls), failures: Double(outcome.failures.count))
        }
    }

    /// How a call fails when the application closed its connection over a PROTOCOL_ERROR while
    /// the call was on it: UNAVAILABLE, with the proxy's error naming what the application did.
    static let applicationDropped = "unavailable \"upstream reset: the upstream closed the HTTP/2 connection with PROTOCOL_ERROR while the request was in flight\""

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

    /// Both proxies answered every call once, and all but the failed ones as successes: a
    /// replayed request is still one response to the client.
    private func expectCounted(on pair: GRPCMesh, calls: Double, failures: Double) async throws {
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
            #expect(successes == calls - failures, "\(side) successful responses \(successes) for \(calls) calls, \(failures) failed")
        }
    }
}
