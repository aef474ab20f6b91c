import Synchronization
import Testing
import TernPolicy

@testable import TernProxy

/// The pool and the watch without sockets: a hand-driven clock and a seeded generator.
@Suite("Destination resolver: pools and watches without sockets")
struct DestinationResolverPoolTests {
    static let ms: UInt64 = 1_000_000

    final class FakeClock: Sendable {
        private let now = Mutex<UInt64>(1_000 * DestinationResolverPoolTests.ms)
        func read() -> UInt64 { now.withLock { $0 } }
        func advance(_ nanos: UInt64) { now.withLock { $0 += nanos } }
    }

    let a = Endpoint(address: "10.1.0.1", port: 8080, identity: "web.faces.serviceaccount.identity.tern.cluster.local", protocolHint: .http2)
    let b = Endpoint(address: "10.1.0.2", port: 8080)
    let c = Endpoint(address: "fd00::3", port: 8080)
    let clock = FakeClock()

    func pool(_ endpoints: [Endpoint], seed: UInt64 = 9) -> EndpointPool {
        let clock = self.clock
        return EndpointPool(EndpointSet(exists: true, endpoints: endpoints, labels: ["service": "web"]),
                            latency: PeakEWMA(), clock: { clock.read() }, random: BalancerRandom(seed: seed))
    }

    func picks(_ pool: EndpointPool, _ n: Int = 1_000, excluding: Set<String> = []) -> [String: Int] {
        var counts: [String: Int] = [:]
        for _ in 0..<n { if let e = pool.pick(excluding: excluding) { counts[e.socketAddress, default: 0] += 1 } }
        return counts
    }

    @Test func resolutionFollowsTheSet() {
        #expect(EndpointPool().resolution.isUnknown)
        #expect(EndpointPool(EndpointSet(exists: true)).resolution.isNoEndpoints)
        let p = pool([a, b])
        #expect(p.resolution.endpointPool === p)
        #expect(p.labels == ["service": "web"])
        #expect(EndpointPool().pick() == nil)
        p.apply(.noEndpoints(exists: true))
        #expect(p.resolution.isNoEndpoints)
        p.apply(.add([c], setLabels: ["service": "web2"]))
        #expect(p.resolution.endpointPool === p)
        #expect(p.endpoints == [c] && p.labels == ["service": "web2"])
        p.apply(.noEndpoints(exists: false))
        #expect(p.resolution.isUnknown)
    }

    @Test func equalEndpointsShareTheLoad() {
        let counts = picks(pool([a, b, c]), 3_000)
        for e in [a, b, c] { #expect((800...1_200).contains(counts[e.socketAddress, default: 0]), "\(counts)") }
    }

    @Test func pendingConnectsSteerAway() {
        let p = pool([a, b])
        for _ in 0..<3 { p.connectStarted(a) }
        #expect(picks(p)[a.socketAddress] == nil)
        for _ in 0..<3 { p.connectSucceeded(a, latencyNanos: 30 * Self.ms) }
        let counts = picks(p)
        #expect(counts[a.socketAddress, default: 0] > 0 && counts[b.socketAddress, default: 0] > 0, "\(counts)")
    }

    @Test func fasterEndpointWinsEveryPair() {
        let p = pool([a, b, c])
        for (e, latency) in [(a, 1), (b, 5), (c, 20)] {
            p.connectStarted(e)
            p.connectSucceeded(e, latencyNanos: UInt64(latency) * Self.ms)
        }
        let counts = picks(p, 3_000)
        #expect(counts[c.socketAddress] == nil, "the slowest is never the cheaper of two: \(counts)")
        #expect(counts[a.socketAddress, default: 0] > counts[b.socketAddress, default: 0])
    }

    @Test func penaltyIsAvoidedThenForgiven() {
        let p = pool([a, b])
        p.connectStarted(a)
        p.connectFailed(a)
        p.connectStarted(b)
        p.connectSucceeded(b, latencyNanos: 5 * Self.ms)
        #expect(picks(p)[a.socketAddress] == nil)
        // b keeps answering in 5 ms while a's penalty (1 s) decays: after a minute (10 s decay)
        // a is estimated below 5 ms and gets a connection again.
        clock.advance(60_000 * Self.ms)
        p.connectStarted(b)
        p.connectSucceeded(b, latencyNanos: 5 * Self.ms)
        #expect(p.pick() == a)
    }

    @Test func exclusionsAreHonoured() {
        let p = pool([a, b, c])
        #expect(picks(p, 500, excluding: [a.socketAddress, c.socketAddress]).keys.sorted() == [b.socketAddress])
        #expect(p.pick(excluding: [a.socketAddress, b.socketAddress, c.socketAddress]) == nil)
        #expect(p.pick(excluding: ["10.9.9.9:1"]) != nil, "excluding an unknown address changes nothing")
    }

    @Test func learnedLatencySurvivesUnrelatedUpdatesNotReplacement() {
        let p = pool([a, b])
        p.connectStarted(a)
        p.connectFailed(a)
        p.apply(.add([c], setLabels: ["service": "web"]))
        #expect(picks(p, 2_000)[a.socketAddress] == nil, "a's penalty is kept across an add")
        // A new pod on a's address (other labels) is another endpoint: it starts fresh.
        var reborn = a
        reborn.labels = ["pod": "web-new"]
        p.apply(.add([reborn], setLabels: ["service": "web"]))
        #expect(picks(p, 2_000)[a.socketAddress, default: 0] > 0)
        // Outcomes for endpoints that left the set are ignored.
        p.apply(.remove([b.socketAddress]))
        p.connectFailed(b)
        p.connectSucceeded(a, latencyNanos: 1)
        #expect(p.endpoints == [reborn, c])
    }

    @Test func firstUpdateOfAStreamReplacesLaterOnesMerge() {
        let watch = DestinationWatch(path: "web.faces.svc.cluster.local:80", pool: pool([a, b]))
        #expect(watch.currentResolution == nil, "waiting for the first answer")
        watch.received(.add([c], setLabels: [:]), first: true)
        #expect(watch.pool.endpoints == [c])
        watch.received(.add([a], setLabels: [:]), first: false)
        #expect(watch.pool.endpoints == [a, c])
        watch.received(.noEndpoints(exists: false), first: true)
        #expect(watch.currentResolution?.isUnknown == true)
    }

    @Test func waitersGetTheFirstAnswerOrUnknownAfterTheDeadline() async {
        let answered = DestinationWatch(path: "p", pool: EndpointPool())
        async let waited = answered.answer(within: .seconds(10))
        try? await Task.sleep(for: .milliseconds(50))
        answered.received(.add([a], setLabels: [:]), first: true)
        #expect(await waited.endpointPool === answered.pool)

        let silent = DestinationWatch(path: "q", pool: EndpointPool())
        let clock = ContinuousClock()
        let start = clock.now
        #expect(await silent.answer(within: .milliseconds(100)).isUnknown)
        #expect(clock.now - start < .seconds(2))
        // Later callers do not wait out the deadline again; an answer still lands.
        #expect(silent.currentResolution?.isUnknown == true)
        silent.received(.add([b], setLabels: [:]), first: true)
        #expect(silent.currentResolution?.endpointPool === silent.pool)
    }
}
