import Testing
import TernPolicy

/// SplitMix64: a tiny generator with a fixed seed, so every run draws the same sequence.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Power of two choices")
struct PowerOfTwoChoicesTests {
    @Test func emptyAndSingle() {
        var rng = SeededGenerator(seed: 1)
        #expect(PowerOfTwoChoices.pick(count: 0, using: &rng) { _ in 0 } == nil)
        var asked = 0
        #expect(PowerOfTwoChoices.pick(count: 1, using: &rng) { _ in asked += 1; return 0 } == 0)
        #expect(asked == 0, "one candidate needs no comparison")
    }

    @Test func neverPicksTheWorseOfItsTwo() {
        var rng = SeededGenerator(seed: 42)
        let costs: [Double] = [5, 1, 9, 3, 7, 2, 8]
        for _ in 0..<2_000 {
            var asked: [Int] = []
            let chosen = PowerOfTwoChoices.pick(count: costs.count, using: &rng) { i in asked.append(i); return costs[i] }
            #expect(asked.count == 2)
            #expect(Set(asked).count == 2, "the two candidates are distinct")
            #expect(chosen == asked.min { costs[$0] < costs[$1] })
        }
    }

    @Test func twoCandidatesAlwaysGiveTheCheaper() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            #expect(PowerOfTwoChoices.pick(count: 2, using: &rng) { $0 == 0 ? 2 : 1 } == 1)
        }
    }

    @Test func equalCostsSpreadEvenly() {
        var rng = SeededGenerator(seed: 3)
        var counts = [0, 0, 0, 0]
        for _ in 0..<10_000 { counts[PowerOfTwoChoices.pick(count: 4, using: &rng) { _ in 1 }!] += 1 }
        for c in counts { #expect((2_200...2_800).contains(c), "\(counts)") }
    }

    /// Simulated load with peak-EWMA costs: requests finish after their endpoint's latency,
    /// so pending work grows on whatever is picked. The slow endpoint still gets some traffic
    /// when the fast ones queue up, but clearly less.
    @Test func slowEndpointGetsClearlyLessTraffic() {
        var rng = SeededGenerator(seed: 11)
        let ms: UInt64 = 1_000_000
        let latency: [UInt64] = [1 * ms, 1 * ms, 1 * ms, 10 * ms]
        var ewma = latency.map { _ in PeakEWMA() }
        var pending = [0, 0, 0, 0]
        var inFlight: [(done: UInt64, endpoint: Int)] = []
        var counts = [0, 0, 0, 0]
        var now: UInt64 = 0
        for _ in 0..<10_000 {
            now += ms / 10
            inFlight.removeAll { request in
                guard request.done <= now else { return false }
                pending[request.endpoint] -= 1
                ewma[request.endpoint].observe(rttNanos: latency[request.endpoint], at: request.done)
                return true
            }
            let i = PowerOfTwoChoices.pick(count: 4, using: &rng) { ewma[$0].cost(pending: pending[$0], at: now) }!
            counts[i] += 1
            pending[i] += 1
            inFlight.append((now + latency[i], i))
        }
        #expect(counts[3] < 600, "slow endpoint got \(counts[3]) of 10000")
        for fast in 0..<3 { #expect(counts[fast] > 2_800, "\(counts)") }
    }
}
