import ServiceLifecycle
import Logging
import Testing
import TernPolicy

@testable import TernProxy

/// The policy resolver against the controller's real outbound policy server on loopback.
@Suite("Outbound policy resolver over gRPC", .serialized, .timeLimit(.minutes(2)))
struct OutboundPolicyResolverTests {
    typealias F = PolicyFixtures

    @Test func colorSplitDividesRequestsBetweenTwoDiscoveredServices() async throws {
        try await DestinationTestServer.with { server in
            await F.seed(server)
            let policies = F.resolver(server)
            let destinations = DestinationFixtures.resolver(server)
            try await Self.running(policies, destinations) {
                let handle = await policies.policy(for: F.colorName)
                let policy = try #require(handle.current)
                #expect(policy.parentName == "color" && policy.parentNamespace == "faces" && policy.parentPort == 80)
                let route = try #require(RouteSelector.route(in: policy, method: "GET", path: "/color?x=1", headers: []))
                #expect(route.kind == "HTTPRoute" && route.name == "color-split-idx-0")
                #expect(route.backends.map { $0.target.discoveryPath() } == [F.colorName, F.color2Name])

                // Per request: pick a backend, then discover it as the lead's HTTP layer will.
                var counts: [String: Int] = [:]
                for _ in 0..<4_000 {
                    let backend = try #require(handle.pickBackend(of: route))
                    counts[backend.target.discoveryPath(), default: 0] += 1
                }
                #expect(counts.values.reduce(0, +) == 4_000)
                // Binomial(4000, 0.5): σ ≈ 32; 300 is over 9σ.
                #expect(abs(counts[F.colorName, default: 0] - 2_000) < 300, "\(counts)")
                for (path, address) in [(F.colorName, "10.3.0.1:8000"), (F.color2Name, "10.3.0.2:8000")] {
                    let pool = try #require(await destinations.resolve(path).endpointPool, "\(path)")
                    #expect(DestinationFixtures.addresses(pool) == [address])
                }

                // By cluster IP (transparent mode) the same policy arrives on its own stream.
                let byIP = await policies.policy(for: F.colorIP)
                #expect(byIP !== handle)
                #expect(byIP.current == policy)
                #expect(await policies.policy(for: F.colorName) === handle, "one handle per target")
            }
        }
    }

    @Test func aRouteChangeReachesTheHandleInPlace() async throws {
        try await DestinationTestServer.with { server in
            await F.seed(server)
            let resolver = F.resolver(server)
            try await Self.running(resolver) {
                let handle = await resolver.policy(for: F.colorName)
                #expect(F.weights(handle) == ["color": 50, "color2": 50])
                await server.apply("split.yaml", F.split(color: 0, color2: 100))
                try await waitUntil("the new weights arrive") { F.weights(handle) == ["color": 0, "color2": 100] }
                let changed = try #require(handle.current)
                let route = try #require(RouteSelector.route(in: changed, method: "GET", path: "/", headers: []))
                for _ in 0..<200 { #expect(handle.pickBackend(of: route)?.target == .service(name: "color2", namespace: "faces", port: 80)) }

                // Without the route the Service's default route takes everything.
                await server.remove("split.yaml")
                try await waitUntil("back to the default route") { F.weights(handle) == ["color": 1] }
                #expect(handle.current.map { RouteSelector.route(in: $0, method: "GET", path: "/", headers: [])?.kind } == "default")
                #expect(await resolver.policy(for: F.colorName) === handle)
            }
        }
    }

    @Test func targetsWithoutAServiceHaveNoPolicyQuickly() async throws {
        try await DestinationTestServer.with { server in
            await F.seed(server)
            let resolver = F.resolver(server)
            try await Self.running(resolver) {
                let clock = ContinuousClock()
                let elapsed = try await clock.measure {
                    #expect(await resolver.policy(for: "10.200.0.1:80").current == nil, "not a Service IP")
                    #expect(await resolver.policy(for: "nope.faces.svc.cluster.local:80").current == nil, "no such Service")
                    #expect(await resolver.policy(for: "not a target").current == nil, "rejected by the controller")
                    // The unknown Service appearing later gets its policy on the same handle.
                    let later = await resolver.policy(for: "nope.faces.svc.cluster.local:80")
                    await server.apply("nope.yaml", """
                        apiVersion: v1
                        kind: Service
                        metadata: {name: nope, namespace: faces}
                        spec: {clusterIP: 10.96.0.30, ports: [{port: 80}]}
                        """)
                    try await waitUntil("the new Service's policy") { later.current?.parentName == "nope" }
                }
                #expect(elapsed < .seconds(2), "answered by the controller, not by the deadline: \(elapsed)")
            }
        }
    }

    @Test func controllerDownKeepsThePolicyAndARestartResyncs() async throws {
        try await DestinationTestServer.with { server in
            await F.seed(server)
            let resolver = F.resolver(server)
            try await Self.running(resolver) {
                let handle = await resolver.policy(for: F.colorName)
                let before = try #require(handle.current)
                await server.stop()

                let clock = ContinuousClock()
                var again: PolicyHandle? = nil
                let warm = await clock.measure { again = await resolver.policy(for: F.colorName) }
                #expect(again === handle)
                #expect(warm < .milliseconds(50), "a known target answers without I/O: \(warm)")
                try await Task.sleep(for: .milliseconds(300))
                #expect(handle.current == before, "the last policy is kept while the controller is away")
                let cold = await clock.measure { #expect(await resolver.policy(for: F.colorIP).current == nil) }
                #expect(cold < .milliseconds(1500), "an unreachable controller is not waited out: \(cold)")

                // Changed while the controller is down: the restarted one's snapshot wins.
                await server.apply("split.yaml", F.split(color: 10, color2: 90))
                try await server.start()
                try await waitUntil("resynced after the restart") { F.weights(handle) == ["color": 10, "color2": 90] }
                #expect(await resolver.policy(for: F.colorName) === handle)
                try await waitUntil("the target first asked while down is answered") {
                    F.weights(await resolver.policy(for: F.colorIP)) == ["color": 10, "color2": 90]
                }
            }
        }
    }

    @Test func idleTargetsAreClosedAndForgotten() async throws {
        try await DestinationTestServer.with { server in
            await F.seed(server)
            let resolver = F.resolver(server, idleTimeout: .milliseconds(300))
            try await Self.running(resolver) {
                let handle = await resolver.policy(for: F.colorName)
                #expect(resolver.watchedTargets == [F.colorName])
                try await waitUntil("the idle watch is forgotten", timeout: .seconds(5)) { resolver.watchedTargets.isEmpty }
                // The server notices a cancelled stream when it next writes to it: make it write.
                await server.apply("split.yaml", F.split(color: 1, color2: 3))
                try await waitUntil("its stream is closed on the server") { await server.store?.outbound.watcherCount == 0 }
                #expect(F.weights(handle) == ["color": 50, "color2": 50], "a forgotten handle gets no more updates")
                let fresh = await resolver.policy(for: F.colorName)
                #expect(fresh !== handle)
                #expect(F.weights(fresh) == ["color": 1, "color2": 3])
            }
        }
    }

    /// Runs the services in one group for the duration of `body`, then shuts the group down
    /// gracefully: the group returning proves every stream ended with it.
    static func running<T: Sendable>(_ services: any Service..., body: @Sendable () async throws -> T) async throws -> T {
        var logger = Logger(label: "test-group")
        logger.logLevel = .warning
        let serviceGroup = ServiceGroup(services: services, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await serviceGroup.run() }
            do {
                let result = try await body()
                await serviceGroup.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                await serviceGroup.triggerGracefulShutdown()
                throw error
            }
        }
    }
}
