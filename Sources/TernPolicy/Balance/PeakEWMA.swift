#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A latency estimate that reacts to slowness at once and forgets it gradually: a sample above
/// the estimate replaces it (the "peak"), a sample below pulls it down with an exponential
/// weight that depends on how long ago the last update was. Left alone, the estimate decays
/// toward zero, so an endpoint that was slow (or failed) becomes worth trying again.
///
/// Time is passed in as nanoseconds on any monotonic scale, so the math is tested without
/// clocks; callers must use one scale per value.
public struct PeakEWMA: Sendable, Hashable {
    /// How fast old information fades: after this long an estimate keeps 1/e of its weight.
    public let decayNanos: UInt64
    /// What an endpoint costs before anything was measured.
    public let defaultRTTNanos: UInt64
    /// What a failed connect makes the estimate jump to (at least).
    public let penaltyNanos: UInt64
    /// The estimate as of `stamp`, in nanoseconds.
    public private(set) var estimateNanos: Double
    /// When the estimate was last updated; nil until there is a time to decay from.
    public private(set) var stamp: UInt64?
    /// False while the estimate is still the default guess rather than a measurement.
    public private(set) var hasSample = false

    public init(decayNanos: UInt64 = 10_000_000_000, defaultRTTNanos: UInt64 = 30_000_000, penaltyNanos: UInt64 = 1_000_000_000) {
        self.decayNanos = decayNanos
        self.defaultRTTNanos = defaultRTTNanos
        self.penaltyNanos = penaltyNanos
        self.estimateNanos = Double(defaultRTTNanos)
    }

    /// Starts the default guess decaying from `now`: an endpoint that nobody tried yet gets
    /// cheaper over time, so it is eventually picked even beside endpoints measured as fast.
    public init(decayNanos: UInt64 = 10_000_000_000, defaultRTTNanos: UInt64 = 30_000_000,
                penaltyNanos: UInt64 = 1_000_000_000, startingAt now: UInt64) {
        self.init(decayNanos: decayNanos, defaultRTTNanos: defaultRTTNanos, penaltyNanos: penaltyNanos)
        self.stamp = now
    }

    /// The weight the old estimate keeps after `now - stamp` (1 with no time reference).
    private func retained(at now: UInt64) -> Double {
        guard let stamp, now > stamp else { return 1 }
        guard decayNanos > 0 else { return 0 }
        return exp(-Double(now - stamp) / Double(decayNanos))
    }

    /// The estimate decayed toward zero up to `now`.
    public func estimate(at now: UInt64) -> Double { estimateNanos * retained(at: now) }

    /// The load balancer's price for sending one more thing here: the latency estimate scaled
    /// by the work already waiting on this endpoint, so a busy fast endpoint can lose to an
    /// idle slower one.
    public func cost(pending: Int, at now: UInt64) -> Double {
        estimate(at: now) * Double(max(pending, 0) + 1)
    }

    /// Records a measured latency. The first measurement replaces the default guess outright:
    /// the guess is not evidence and must not dampen the real value.
    public mutating func observe(rttNanos: UInt64, at now: UInt64) {
        let sample = Double(rttNanos)
        if !hasSample || sample > estimateNanos {
            estimateNanos = sample
        } else {
            let keep = retained(at: now)
            estimateNanos = estimateNanos * keep + sample * (1 - keep)
        }
        hasSample = true
        advance(to: now)
    }

    /// A failed attempt: the estimate jumps to the penalty (or stays, if already higher), so
    /// a two-choice balancer prefers any healthy endpoint until the penalty has decayed.
    public mutating func penalize(at now: UInt64) {
        estimateNanos = max(estimate(at: now), Double(penaltyNanos))
        hasSample = true
        advance(to: now)
    }

    /// Stamps are never moved backwards, so a late caller with an older reading cannot make
    /// the estimate decay twice over the same interval.
    private mutating func advance(to now: UInt64) {
        stamp = max(stamp ?? now, now)
    }
}
