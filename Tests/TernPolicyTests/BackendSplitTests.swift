import Testing
import TernPolicy

@Suite("Weighted backend split")
struct BackendSplitTests {
    static func backend(_ name: String, _ weight: UInt32) -> Backend {
        Backend(target: .service(name: name, namespace: "faces", port: 80), weight: weight)
    }

    static func counts(_ backends: [Backend], draws: Int, seed: UInt64) -> [String: Int] {
        var rng = SeededGenerator(seed: seed)
        var counts: [String: Int] = [:]
        for _ in 0..<draws {
            guard let b = BackendSplit.pick(from: backends, using: &rng), case .service(let name, _, _) = b.target else { continue }
            counts[name, default: 0] += 1
        }
        return counts
    }

    @Test func fiftyFiftySplitsEvenly() {
        // The Faces demo's color split: HTTPRoute backendRefs color 50 / color2 50.
        let c = Self.counts([Self.backend("color", 50), Self.backend("color2", 50)], draws: 100_000, seed: 1)
        #expect(c.values.reduce(0, +) == 100_000)
        // Binomial(100000, 0.5): σ ≈ 158; 1000 is over 6σ.
        #expect(abs(c["color", default: 0] - 50_000) < 1_000, "\(c)")
    }

    @Test func unevenWeightsFollowTheirRatio() {
        for seed: UInt64 in [3, 4, 5] {
            let c = Self.counts([Self.backend("a", 1), Self.backend("b", 3), Self.backend("c", 6)], draws: 100_000, seed: seed)
            // Expected 10k / 30k / 60k; σ ≤ 155, allow ~6σ.
            #expect(abs(c["a", default: 0] - 10_000) < 900, "\(c)")
            #expect(abs(c["b", default: 0] - 30_000) < 900, "\(c)")
            #expect(abs(c["c", default: 0] - 60_000) < 900, "\(c)")
        }
    }

    @Test func zeroWeightIsNeverChosen() {
        let c = Self.counts([Self.backend("off", 0), Self.backend("on", 1), Self.backend("off2", 0)], draws: 10_000, seed: 9)
        #expect(c == ["on": 10_000])
        let c2 = Self.counts([Self.backend("x", 0), Self.backend("y", 2), Self.backend("z", 2)], draws: 10_000, seed: 10)
        #expect(c2["x"] == nil && c2["y", default: 0] > 4_000 && c2["z", default: 0] > 4_000, "\(c2)")
    }

    @Test func nothingToSendToGivesNil() {
        var rng = SeededGenerator(seed: 1)
        #expect(BackendSplit.pick(from: [], using: &rng) == nil)
        #expect(BackendSplit.pick(from: [Self.backend("a", 0), Self.backend("b", 0)], using: &rng) == nil)
    }

    @Test func singleBackendNeedsNoRandomness() {
        var rng = CountingGenerator()
        #expect(BackendSplit.pick(from: [Self.backend("a", 0), Self.backend("only", 7)], using: &rng)?.weight == 7)
        #expect(rng.draws == 0)
    }

    @Test func hugeWeightsDoNotOverflow() {
        let huge = (0..<200).map { Self.backend("b\($0 % 2)", .max) }
        let c = Self.counts(huge, draws: 4_000, seed: 11)
        #expect(c.values.reduce(0, +) == 4_000)
        #expect(abs(c["b0", default: 0] - 2_000) < 250, "\(c)")
        // A tiny weight beside a huge one is still reachable in principle but practically never drawn.
        let lopsided = Self.counts([Self.backend("tiny", 1), Self.backend("max", .max)], draws: 10_000, seed: 12)
        #expect(lopsided["max"] == 10_000)
    }

    @Test func extremeGeneratorOutputsStayInRange() {
        let backends = [Self.backend("a", 1), Self.backend("b", .max), Self.backend("c", 1)]
        for value: UInt64 in [0, 1, .max, .max - 1, 1 << 63] {
            var rng = ConstantGenerator(value: value)
            #expect(BackendSplit.pick(from: backends, using: &rng) != nil)
        }
    }
}

/// Counts how often it is asked for a number.
struct CountingGenerator: RandomNumberGenerator {
    var draws = 0
    mutating func next() -> UInt64 {
        draws += 1
        return 0
    }
}

/// Always the same number: the edges of what a generator may return.
struct ConstantGenerator: RandomNumberGenerator {
    let value: UInt64
    mutating func next() -> UInt64 { value }
}
