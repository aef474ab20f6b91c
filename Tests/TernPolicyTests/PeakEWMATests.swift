import Foundation
import Testing
import TernPolicy

/// Peak-EWMA as pure math: explicit nanosecond times, no clocks.
@Suite("Peak EWMA")
struct PeakEWMATests {
    static let ms: UInt64 = 1_000_000
    static let s: UInt64 = 1_000_000_000

    /// Relative comparison: the estimates go through `exp`, so exact equality is not expected.
    func close(_ a: Double, _ b: Double, tolerance: Double = 1e-9) -> Bool {
        abs(a - b) <= tolerance * max(abs(a), abs(b), 1)
    }

    @Test func unmeasuredEndpointCostsTheDefaultTimesWork() {
        let ewma = PeakEWMA()
        #expect(ewma.cost(pending: 0, at: 0) == 30_000_000)
        #expect(ewma.cost(pending: 2, at: 5 * Self.s) == 90_000_000, "no time reference: the default does not decay")
        #expect(ewma.cost(pending: -1, at: 0) == 30_000_000, "a miscounted negative pending is treated as none")
    }

    @Test func defaultGuessDecaysFromItsStart() {
        let ewma = PeakEWMA(startingAt: 100 * Self.s)
        #expect(ewma.cost(pending: 0, at: 100 * Self.s) == 30_000_000)
        #expect(close(ewma.cost(pending: 0, at: 110 * Self.s), 30_000_000 * exp(-1)))
        #expect(close(ewma.cost(pending: 1, at: 120 * Self.s), 2 * 30_000_000 * exp(-2)))
    }

    @Test func firstSampleReplacesTheDefaultEvenWhenLower() {
        var ewma = PeakEWMA(startingAt: 0)
        ewma.observe(rttNanos: 2 * Self.ms, at: 1 * Self.ms)
        #expect(ewma.estimateNanos == Double(2 * Self.ms))
        #expect(ewma.hasSample)
    }

    @Test func higherSampleIsTakenAtOnce() {
        var ewma = PeakEWMA()
        ewma.observe(rttNanos: 10 * Self.ms, at: 0)
        ewma.observe(rttNanos: 50 * Self.ms, at: 1)
        #expect(ewma.estimateNanos == Double(50 * Self.ms))
        // However long the quiet time before it, a slower sample is taken as is.
        ewma.observe(rttNanos: 80 * Self.ms, at: 100 * Self.s)
        #expect(ewma.estimateNanos == Double(80 * Self.ms))
    }

    @Test func lowerSampleDecaysTowardItWithTimeWeight() {
        var ewma = PeakEWMA()
        ewma.observe(rttNanos: 50 * Self.ms, at: 0)
        ewma.observe(rttNanos: 10 * Self.ms, at: 10 * Self.s)
        let w = exp(-1.0)
        #expect(close(ewma.estimateNanos, 50e6 * w + 10e6 * (1 - w)))

        // Back-to-back samples barely move the estimate: recent history dominates.
        var quick = PeakEWMA()
        quick.observe(rttNanos: 50 * Self.ms, at: 0)
        quick.observe(rttNanos: 10 * Self.ms, at: 1 * Self.ms)
        #expect(quick.estimateNanos > 49.99e6)
        // The estimate never drops below a fresh sample.
        #expect(ewma.estimateNanos >= 10e6 && quick.estimateNanos >= 10e6)
    }

    @Test func costDecaysTowardZeroWhileIdle() {
        var ewma = PeakEWMA()
        ewma.observe(rttNanos: 40 * Self.ms, at: 5 * Self.s)
        #expect(ewma.cost(pending: 0, at: 5 * Self.s) == 40e6)
        #expect(close(ewma.cost(pending: 0, at: 15 * Self.s), 40e6 * exp(-1)))
        #expect(close(ewma.cost(pending: 3, at: 25 * Self.s), 4 * 40e6 * exp(-2)))
        // A reading from before the last update does not decay (clocks are not compared backwards).
        #expect(ewma.cost(pending: 0, at: 1 * Self.s) == 40e6)
    }

    @Test func shorterDecayForgetsFaster() {
        var slow = PeakEWMA(decayNanos: 10 * Self.s)
        var fast = PeakEWMA(decayNanos: 1 * Self.s)
        slow.observe(rttNanos: 100 * Self.ms, at: 0)
        fast.observe(rttNanos: 100 * Self.ms, at: 0)
        #expect(fast.cost(pending: 0, at: 2 * Self.s) < slow.cost(pending: 0, at: 2 * Self.s))
    }

    @Test func penaltyIsAvoidedUntilItDecaysThenRecovers() {
        var failed = PeakEWMA()
        failed.observe(rttNanos: 1 * Self.ms, at: 0)
        failed.penalize(at: 0)
        #expect(failed.estimateNanos == 1e9)
        // Against an endpoint nobody measured (30 ms default), the failed one stays dearer
        // for ln(1000/30) decay periods: about 35 s with the default 10 s decay.
        let fresh = PeakEWMA()
        #expect(failed.cost(pending: 0, at: 30 * Self.s) > fresh.cost(pending: 0, at: 30 * Self.s))
        #expect(failed.cost(pending: 0, at: 40 * Self.s) < fresh.cost(pending: 0, at: 40 * Self.s))
        // Once it answers again its estimate follows the new samples down.
        failed.observe(rttNanos: 1 * Self.ms, at: 60 * Self.s)
        failed.observe(rttNanos: 1 * Self.ms, at: 90 * Self.s)
        #expect(failed.estimateNanos < 2e6)
    }

    @Test func penaltyNeverLowersAHigherEstimate() {
        var ewma = PeakEWMA(penaltyNanos: 100 * Self.ms)
        ewma.observe(rttNanos: 300 * Self.ms, at: 0)
        ewma.penalize(at: 1)
        #expect(close(ewma.estimateNanos, 300e6, tolerance: 1e-6))
        var fresh = PeakEWMA(penaltyNanos: 100 * Self.ms)
        fresh.penalize(at: 0)
        #expect(fresh.estimateNanos == 100e6)
    }
}
