import Testing
import TernCore
import TernPolicy
import TernControl
import TernTLS

@testable import TernProxy

/// The resolver against the controller's real destination server on loopback.
@Suite("Destination resolver over gRPC", .serialized, .timeLimit(.minutes(2)))
struct DestinationResolverTests {
    typealias F = DestinationFixtures

    @Test func serviceByNameAndClusterIPResolvesToEndpointsWithIdentity() async throws {
        try await DestinationTestServer.with { server in
            await F.seed(server)
            let resolver = F.resolver(server)
            try await F.running(resolver) {
                let byName = try #require(await resolver.resolve(F.webName).endpointPool)
                #expect(F.addresses(byName) == ["10.1.0.1:8080", "10.1.0.2:8080"])
                #expect(byName.labels == ["namespace": "faces", "service": "web"])
                let a = byName.endpoints[0]
                #expect(a.identity == F.webIdentity)
                #expect(a.protocolHint == .http2)
                #expect(a.labels["pod"] == "web-a" && a.labels["namespace"] == "faces")

                let byIP = try #require(await resolver.resolve("10.96.0.10:80").endpointPool)
                #expect(byIP !== byName, "one watch per path")
                #expect(byIP.endpoints == byName.endpoints)
                // Warm: the same pool, without waiting.
                #expect(await resolver.resolve(F.webName).endpointPool === byName)
            }
            // After shutdown what was known still answers; nothing new is asked.
            #expect(await resolver.resolve(F.webName).endpointPool != nil)
            #expect(await resolver.resolve("10.96.0.11:80").isUnknown)
            #expect(resolver.watchedPaths.sorted() == ["10.96.0.10:80", F.webName])
        }
    }

    @Test func concurrentFirstCallersShareOneWatch() async throws {
        try await DestinationTestServer.with { server in
            await F.seed(server)
            let resolver = F.resolver(server)
            try await F.running(resolver) {
                let pools = await withTaskGroup(of: EndpointPool?.self) { group in
                    for _ in 0..<20 { group.addTask { await resolver.resolve(F.webName).endpointPool } }
                    return await group.reduce(into: [EndpointPool?]()) { $0.append($1) }
                }
                let first = try #require(pools.first ?? nil)
                #expect(pools.allSatisfy { $0 === first })
                #expect(resolver.watchedPaths == [F.webName])
                #expect(await server.store?.destinations.watcherCount == 1, "one stream for all callers")
            }
        }
    }

    @Test func liveAddAndRemoveReachAnExistingPool() async throws {
        try await DestinationTestServer.with { server in
            await F.seed(server)
            let resolver = F.resolver(server)
            try await F.running(resolver) {
                let pool = try #require(await resolver.resolve(F.webName).endpointPool)
                await server.apply("web-c.yaml", F.pod("web-c", ip: "10.1.0.3"))
                try await waitUntil("web-c added") { F.addresses(pool) == ["10.1.0.1:8080", "10.1.0.2:8080", "10.1.0.3:8080"] }
                await server.remove("web-a.yaml")
                try await waitUntil("web-a removed") { F.addresses(pool) == ["10.1.0.2:8080", "10.1.0.3:8080"] }
                #expect(await resolver.resolve(F.webName).endpointPool === pool)
            }
        }
    }

    @Test func unknownDestinationsAreUnknownQuickly() async throws {
        try await DestinationTestServer.with { server in
            await F.seed(server)
            let resolver = F.resolver(server)
            try await F.running(resolver) {
                let clock = ContinuousClock()
                let elapsed = await clock.measure {
                    #expect(await resolver.resolve("10.200.0.1:80").isUnknown, "not a service, not a pod")
                    #expect(await resolver.resolve("nope.faces.svc.cluster.local:80").isUnknown, "no such service")
                    #expect(await resolver.resolve("not a destination").isUnknown, "rejected by the controller")
                }
                #expect(elapsed < .seconds(1), "answered by the controller, not by the deadline: \(elapsed)")
            }
        }
    }

    @Test func serviceWithoutEndpointsIsRevivedByAnAdd() async throws {
        try await DestinationTestServer.with { server in
            await F.seed(server)
            let resolver = F.resolver(server)
            try await F.running(resolver) {
                #expect(await resolver.resolve("empty.faces.svc.cluster.local:80").isNoEndpoints)
                await server.apply("empty-a.yaml", F.pod("empty-a", ip: "10.2.0.1", app: "empty"))
                let pool = try await eventually("the empty service gets an endpoint") {
                    await resolver.resolve("empty.faces.svc.cluster.local:80").endpointPool
                }
                #expect(F.addresses(pool) == ["10.2.0.1:8080"])
                await server.remove("empty-a.yaml")
                try await waitUntil("empty again") { await resolver.resolve("empty.faces.svc.cluster.local:80").isNoEndpoints }
                await server.apply("empty-b.yaml", F.pod("empty-b", ip: "10.2.0.2", app: "empty"))
                try await waitUntil("the same pool revived") { F.addresses(pool) == ["10.2.0.2:8080"] }
                #expect(await resolver.resolve("empty.faces.svc.cluster.local:80").endpointPool === pool)
            }
        }
    }

    @Test func controllerDownKeepsTheLastSetAndARestartResyncs() async throws {
        try await DestinationTestServer.with { server in
            await F.seed(server)
            let resolver = F.resolver(server)
            try await F.running(resolver) {
                let pool = try #require(await resolver.resolve(F.webName).endpointPool)
                await server.stop()

                let clock = ContinuousClock()
                var again: Resolution = .unknown
                let warm = await clock.measure { again = await resolver.resolve(F.webName) }
                #expect(again.endpointPool === pool)
                #expect(warm < .milliseconds(50), "a known path answers without I/O: \(warm)")
                #expect(F.addresses(pool) == ["10.1.0.1:8080", "10.1.0.2:8080"], "the last known set is kept")
                let cold = await clock.measure { #expect(await resolver.resolve("10.96.0.11:80").isUnknown) }
                #expect(cold < .milliseconds(1500), "an unreachable controller is not waited out: \(cold)")

                // While it is down, web-b goes away and web-c arrives: the snapshot after the
                // restart must replace the set, not merge into it.
                await server.remove("web-b.yaml")
                await server.apply("web-c.yaml", F.pod("web-c", ip: "10.1.0.3"))
                try await server.start()
                try await waitUntil("resynced after the restart") { F.addresses(pool) == ["10.1.0.1:8080", "10.1.0.3:8080"] }
                #expect(await resolver.resolve(F.webName).endpointPool === pool)
                // The path that was unknown while the controller was down is answered now.
                try await waitUntil("the cold path resolves") { await resolver.resolve("10.96.0.11:80").isNoEndpoints }
            }
        }
    }

    @Test func picksAvoidAPenalizedEndpoint() async throws {
        try await DestinationTestServer.with { server in
            await F.seed(server)
            await server.apply("web-c.yaml", F.pod("web-c", ip: "10.1.0.3"))
            let resolver = F.resolver(server)
            try await F.running(resolver) {
                let pool = try #require(await resolver.resolve(F.webName).endpointPool)
                let a = try #require(pool.endpoints.first { $0.address == "10.1.0.1" })
                pool.connectStarted(a)
                pool.connectFailed(a)
                var counts: [String: Int] = [:]
                for _ in 0..<3_000 { counts[pool.pick()!.socketAddress, default: 0] += 1 }
                #expect(counts["10.1.0.1:8080"] == nil, "\(counts)")
                #expect(counts["10.1.0.2:8080", default: 0] > 1_000 && counts["10.1.0.3:8080", default: 0] > 1_000, "\(counts)")
                // The penalized endpoint is still the answer when it is the only one left.
                #expect(pool.pick(excluding: ["10.1.0.2:8080", "10.1.0.3:8080"]) == a)
                #expect(pool.pick(excluding: Set(F.addresses(pool))) == nil)
            }
        }
    }

    @Test func idleWatchesAreClosedAndForgotten() async throws {
        try await DestinationTestServer.with { server in
            await F.seed(server)
            let resolver = F.resolver(server, idleTimeout: .milliseconds(300))
            try await F.running(resolver) {
                let pool = try #require(await resolver.resolve(F.webName).endpointPool)
                #expect(resolver.watchedPaths == [F.webName])
                try await waitUntil("the idle watch is forgotten", timeout: .seconds(5)) { resolver.watchedPaths.isEmpty }
                // The server only notices a cancelled stream when it next writes to it (its
                // handler does not watch gRPC's cancellation handle), so make it write: a
                // stream the resolver still held would take the update and stay registered.
                await server.apply("web-c.yaml", F.pod("web-c", ip: "10.1.0.3"))
                try await waitUntil("its stream is closed on the server") { await server.store?.destinations.watcherCount == 0 }
                #expect(F.addresses(pool) == ["10.1.0.1:8080", "10.1.0.2:8080"], "a forgotten pool gets no more updates")
                let fresh = try #require(await resolver.resolve(F.webName).endpointPool)
                #expect(fresh !== pool, "a new watch, a new pool")
                #expect(F.addresses(fresh) == ["10.1.0.1:8080", "10.1.0.2:8080", "10.1.0.3:8080"])
            }
        }
    }

    @Test func tlsChecksTheControllersIdentity() async throws {
        let pki = try PKIGenerator.makeTrustAnchor(trustDomain: "cluster.local")
        let issuer = try PKIGenerator.makeIssuer(trustDomain: "cluster.local", signedBy: pki.certificate, anchorKey: .init(pki.privateKey))
        let credentials = try IssuerCredentials(certificate: issuer.certificate, privateKey: .init(issuer.privateKey))
        let tls = try IdentityServerTLS.selfIssued(by: credentials, as: try MeshIdentity(dnsName: F.destinationName))
        let stranger = try PKIGenerator.makeTrustAnchor(trustDomain: "cluster.local")
        try await DestinationTestServer.with(tls: tls) { server in
            await F.seed(server)
            let good = F.resolver(server, serverName: F.destinationName, anchors: [pki.certificate])
            try await F.running(good) {
                let pool = try #require(await good.resolve(F.webName).endpointPool)
                #expect(F.addresses(pool) == ["10.1.0.1:8080", "10.1.0.2:8080"])
            }
            let wrongName = F.resolver(server, serverName: "evil.faces.serviceaccount.identity.tern.cluster.local", anchors: [pki.certificate])
            try await F.running(wrongName) { #expect(await wrongName.resolve(F.webName).isUnknown) }
            let wrongAnchor = F.resolver(server, serverName: F.destinationName, anchors: [stranger.certificate])
            try await F.running(wrongAnchor) { #expect(await wrongAnchor.resolve(F.webName).isUnknown) }
        }
    }
}
