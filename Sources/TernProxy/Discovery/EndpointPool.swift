import Synchronization
import TernPolicy

/// The live endpoints of one destination plus what the balancer learned about each: read and
/// updated from event loops (picks, connect outcomes) and from the discovery stream (set
/// changes), so all state sits behind one lock held only for short, allocation-free work.
///
/// Balancing is per connection: power of two choices over peak-EWMA connect latency, scaled by
/// connects still in progress. Weights from the control plane are deliberately ignored (as
/// Linkerd's endpoint balancer does); traffic splits between services happen above this.
public final class EndpointPool: Sendable {
    struct Member {
        let endpoint: Endpoint
        /// `endpoint.socketAddress`, computed once: it is compared on every connect outcome.
        let address: String
        var latency: PeakEWMA
        var pending: Int
    }

    struct State {
        var set: EndpointSet
        /// Parallel to `set.endpoints` (same order), so a pick indexes both without lookups.
        var members: [Member]
        var indexByAddress: [String: Int]
        var random: BalancerRandom
    }

    private let state: Mutex<State>
    private let clock: @Sendable () -> UInt64
    private let template: PeakEWMA

    /// A pool holding `set`; the resolver creates pools, tests and listeners may too.
    public convenience init(_ set: EndpointSet = .unknown) {
        self.init(set, latency: PeakEWMA(), clock: BalancerClock.nanoseconds, random: BalancerRandom())
    }

    /// `latency` is the template each new endpoint's estimate starts from (decay, default,
    /// penalty); `clock` gives monotonic nanoseconds.
    init(_ set: EndpointSet, latency: PeakEWMA, clock: @escaping @Sendable () -> UInt64, random: BalancerRandom) {
        self.clock = clock
        self.template = latency
        let empty = State(set: .unknown, members: [], indexByAddress: [:], random: random)
        self.state = Mutex(empty)
        replace(with: set)
    }

    /// Current snapshot.
    public var endpoints: [Endpoint] { state.withLock { $0.set.endpoints } }

    /// The destination's metric labels (namespace, service) for `dst_*` labels.
    public var labels: [String: String] { state.withLock { $0.set.labels } }

    /// False when the control plane says no service answers to the destination.
    public var exists: Bool { state.withLock { $0.set.exists } }

    /// What a caller should do with this destination right now.
    public var resolution: Resolution {
        state.withLock { s in
            if !s.set.exists { return .unknown }
            return s.set.endpoints.isEmpty ? .noEndpoints : .pool(self)
        }
    }

    /// P2C over peak-EWMA connect latency, weighted by nothing else; `excluding` = endpoints
    /// (by `Endpoint.socketAddress`) that already failed for this connection. Nil when every
    /// endpoint is excluded or there are none.
    public func pick(excluding: Set<String> = []) -> Endpoint? {
        let now = clock()
        return state.withLock { s in
            let members = s.members
            if excluding.isEmpty {
                let i = PowerOfTwoChoices.pick(count: members.count, using: &s.random) {
                    members[$0].latency.cost(pending: members[$0].pending, at: now)
                }
                return i.map { members[$0].endpoint }
            }
            // Only on retries after a failed connect, so the extra array is off the common path.
            let candidates = members.indices.filter { !excluding.contains(members[$0].address) }
            let i = PowerOfTwoChoices.pick(count: candidates.count, using: &s.random) {
                let m = members[candidates[$0]]
                return m.latency.cost(pending: m.pending, at: now)
            }
            return i.map { members[candidates[$0]].endpoint }
        }
    }

    /// A connect to `endpoint` began: it counts as pending work until it ends.
    public func connectStarted(_ endpoint: Endpoint) {
        update(endpoint) { member, _ in member.pending += 1 }
    }

    /// The connect succeeded after `latencyNanos`.
    public func connectSucceeded(_ endpoint: Endpoint, latencyNanos: UInt64) {
        update(endpoint) { member, now in
            member.pending = max(member.pending - 1, 0)
            member.latency.observe(rttNanos: latencyNanos, at: now)
        }
    }

    /// The connect failed: the endpoint is avoided until the penalty decays.
    public func connectFailed(_ endpoint: Endpoint) {
        update(endpoint) { member, now in
            member.pending = max(member.pending - 1, 0)
            member.latency.penalize(at: now)
        }
    }

    /// The work ended without telling anything about the endpoint (the client went away):
    /// it stops counting as pending and its latency estimate is untouched.
    public func connectAbandoned(_ endpoint: Endpoint) {
        update(endpoint) { member, _ in member.pending = max(member.pending - 1, 0) }
    }

    /// Outcomes for an endpoint that has since left the set are dropped: its statistics went
    /// with it, and a returning endpoint starts fresh.
    private func update(_ endpoint: Endpoint, _ body: (inout Member, UInt64) -> Void) {
        let address = endpoint.socketAddress
        let now = clock()
        state.withLock { s in
            guard let i = s.indexByAddress[address], s.members[i].endpoint == endpoint else { return }
            body(&s.members[i], now)
        }
    }

    /// Replaces the whole set (the first message of every discovery stream is a snapshot).
    public func replace(with set: EndpointSet) {
        let now = clock()
        state.withLock { s in adopt(set, into: &s, now: now) }
    }

    /// Applies one incremental update.
    public func apply(_ update: EndpointUpdate) {
        let now = clock()
        state.withLock { s in
            var set = s.set
            set.apply(update)
            adopt(set, into: &s, now: now)
        }
    }

    /// Installs `set`, keeping what was learned about endpoints that are still there unchanged
    /// (same address, identity and labels), so an unrelated update does not reset balancing.
    private func adopt(_ set: EndpointSet, into s: inout State, now: UInt64) {
        var members: [Member] = []
        members.reserveCapacity(set.endpoints.count)
        var index: [String: Int] = [:]
        index.reserveCapacity(set.endpoints.count)
        for endpoint in set.endpoints {
            let address = endpoint.socketAddress
            if let old = s.indexByAddress[address], s.members[old].endpoint == endpoint {
                members.append(s.members[old])
            } else {
                let fresh = PeakEWMA(decayNanos: template.decayNanos, defaultRTTNanos: template.defaultRTTNanos,
                                     penaltyNanos: template.penaltyNanos, startingAt: now)
                members.append(Member(endpoint: endpoint, address: address, latency: fresh, pending: 0))
            }
            index[address] = members.count - 1
        }
        s.set = set
        s.members = members
        s.indexByAddress = index
    }
}

extension EndpointPool: CustomStringConvertible {
    public var description: String {
        state.withLock { s in
            "EndpointPool(\(s.set.exists ? "exists" : "unknown"), \(s.members.map(\.address).joined(separator: ", ")))"
        }
    }
}
