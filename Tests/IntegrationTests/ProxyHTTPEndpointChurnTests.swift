import Foundation
import Testing

/// Endpoints of a Service come, go and die while HTTP/1 and HTTP/2 clients keep sending
/// requests through the client proxy (each endpoint an application behind its own server
/// proxy, all under mTLS). Changes announced by the controller cost no request; a crash costs
/// at most the requests in flight on it, which fail cleanly, and nothing ever hangs.
@Suite(.serialized) struct ProxyHTTPEndpointChurnTests {
    static let names = ["alpha", "beta", "gamma"]

    @Test func anEndpointAddedUnderLoadStartsReceivingWithoutFailures() async throws {
        try await ChurnMesh.with(Self.names, publishing: ["alpha", "beta"]) { churn in
            let gamma = churn.endpoint("gamma")
            let traffic = WhoamiTraffic(port: churn.clientProxy.outboundPort)
            let mark = try await traffic.during {
                try await until("50 answers before the change") { traffic.count >= 50 }
                #expect(gamma.whoamiCount == 0, "gamma answered before it was published")
                let mark = traffic.count
                try churn.publish(Set(Self.names))
                try await until("gamma answering") { gamma.whoamiCount >= 30 }
                try await until("100 more answers") { traffic.count >= mark + 100 }
                return mark
            }
            let outcomes = traffic.outcomes
            print("endpoint added: before \(Array(outcomes.prefix(mark)).summary); after \(traffic.outcomes(since: mark).summary)")
            #expect(outcomes.failures.isEmpty, "\(outcomes.summary)")
            #expect(Set(outcomes.answersByEndpoint.keys) == Set(Self.names))
            expectEveryAnswerCounted(outcomes, churn)
        }
    }

    @Test func anEndpointRemovedUnderLoadStopsReceivingWithoutFailures() async throws {
        try await ChurnMesh.with(Self.names, publishing: Set(Self.names)) { churn in
            let gamma = churn.endpoint("gamma")
            let traffic = WhoamiTraffic(port: churn.clientProxy.outboundPort)
            let quiet = try await traffic.during {
                try await until("every endpoint answering") { churn.endpoints.allSatisfy { $0.whoamiCount >= 10 } }
                try churn.publish(["alpha", "beta"])
                return try await Self.quietStretch(of: gamma, in: traffic, requests: 150)
            }
            let outcomes = traffic.outcomes
            print("endpoint removed: \(outcomes.summary); the last \(outcomes.count - quiet) reached gamma never")
            #expect(outcomes.failures.isEmpty, "\(outcomes.summary)")
            // The quiet stretch is 150 requests; the last 100 of it are past any answer from
            // gamma that was still on its way back when gamma counted its last request.
            #expect(!outcomes.suffix(100).contains { $0.endpoint == "gamma" })
            expectEveryAnswerCounted(outcomes, churn)
        }
    }

    /// The server proxy dies (SIGKILL) while discovery still lists it. Only the requests in
    /// flight on its connection may fail, as a 502 or a broken stream, never by hanging; the
    /// ones after go to the survivors (a connect to the dead endpoint is refused before
    /// anything is sent, so the request is tried on another).
    @Test func aKilledServerProxyFailsAtMostTheRequestsInFlightOnIt() async throws {
        try await ChurnMesh.with(Self.names, publishing: Set(Self.names)) { churn in
            let gamma = churn.endpoint("gamma")
            let traffic = WhoamiTraffic(port: churn.clientProxy.outboundPort)
            let mark = try await traffic.during {
                try await until("every endpoint answering") { churn.endpoints.allSatisfy { $0.whoamiCount >= 10 } }
                let mark = traffic.count
                gamma.killProxy()
                try await until("300 answers after the kill") { traffic.outcomes(since: mark).count >= 300 }
                return mark
            }
            let after = traffic.outcomes(since: mark)
            print("server proxy killed: before \(Array(traffic.outcomes.prefix(mark)).summary); after \(after.summary)")
            #expect(traffic.outcomes.timeouts == 0, "hung requests: \(after.summary)")
            #expect(after.failures.count <= traffic.concurrency, "more failures than requests in flight: \(after.summary)")
            for failure in after.failures {
                switch failure.kind {
                case .status(502, _), .broken: break
                default: Issue.record("a failure that is neither a 502 nor a broken stream: \(failure)")
                }
            }
            // The survivors carry everything after the in-flight ones.
            let survivors = after.answersByEndpoint
            #expect(survivors["alpha", default: 0] > 50 && survivors["beta", default: 0] > 50, "\(survivors)")
            #expect(survivors["gamma", default: 0] <= traffic.concurrency, "\(survivors)")
        }
    }

    /// The application dies behind a live server proxy. The server proxy cannot reach it and
    /// answers 502 itself: the request already went out over the mesh, so the client proxy may
    /// not send it elsewhere (it cannot know the application did not act on it), and nothing
    /// tells it the endpoint is gone until discovery does. So every request that lands there
    /// fails until the endpoint leaves the Service, and the test asserts how: each failure is
    /// a clean 502 the proxy names, none a broken connection or a hang; the survivors keep
    /// answering meanwhile; and once the controller drops the endpoint the failures stop.
    @Test func aKilledApplicationBehindALiveServerProxyGets502sUntilItIsRemoved() async throws {
        try await ChurnMesh.with(Self.names, publishing: Set(Self.names)) { churn in
            let gamma = churn.endpoint("gamma")
            let traffic = WhoamiTraffic(port: churn.clientProxy.outboundPort)
            let (killed, removed) = try await traffic.during {
                try await until("every endpoint answering") { churn.endpoints.allSatisfy { $0.whoamiCount >= 10 } }
                let killed = traffic.count
                gamma.server.kill()
                try await until("200 requests after the kill") { traffic.outcomes(since: killed).count >= 200 }
                let removed = traffic.count
                try churn.publish(["alpha", "beta"])
                try await until("no failure over 150 requests") {
                    let recent = traffic.outcomes(since: removed).suffix(150)
                    return recent.count == 150 && recent.failures.isEmpty
                }
                return (killed, removed)
            }
            let dead = Array(traffic.outcomes.dropFirst(killed).prefix(removed - killed))
            print("application killed: while listed \(dead.summary); after removal \(traffic.outcomes(since: removed).summary)")
            #expect(traffic.outcomes.timeouts == 0, "hung requests: \(traffic.outcomes.summary)")
            #expect(gamma.proxy.process.process.isRunning, "the server proxy died with its application")
            #expect(!dead.failures.isEmpty, "no request reached the dead application: \(dead.summary)")
            for failure in dead.failures {
                switch failure.kind {
                case let .status(502, proxyError) where failure.client == "h2" || proxyError != nil: break
                default: Issue.record("not a clean 502 naming its cause: \(failure)")
                }
            }
            let survivors = dead.answersByEndpoint
            #expect(survivors["alpha", default: 0] > 20 && survivors["beta", default: 0] > 20, "\(survivors)")
            #expect(survivors["gamma", default: 0] <= traffic.concurrency, "\(survivors)")
        }
    }

    /// Waits until `endpoint` has received nothing while `requests` more were answered, and
    /// returns the outcome count where that quiet stretch began.
    private static func quietStretch(of endpoint: ChurnMesh.Endpoint, in traffic: WhoamiTraffic, requests: Int) async throws -> Int {
        var baseline = (count: endpoint.whoamiCount, mark: traffic.count)
        try await until("\(endpoint.name) quiet for \(requests) requests") {
            let count = endpoint.whoamiCount
            if count != baseline.count { baseline = (count, traffic.count) }
            return traffic.count - baseline.mark >= requests
        }
        return baseline.mark
    }

    /// Every answer the clients saw was counted by exactly one application, and no application
    /// counted a request the clients did not see answered.
    private func expectEveryAnswerCounted(_ outcomes: [WhoamiTraffic.Outcome], _ churn: ChurnMesh) {
        for endpoint in churn.endpoints {
            #expect(outcomes.answersByEndpoint[endpoint.name, default: 0] == endpoint.whoamiCount,
                    "\(endpoint.name): clients saw \(outcomes.answersByEndpoint[endpoint.name, default: 0]), it counted \(endpoint.whoamiCount)")
        }
    }
}
