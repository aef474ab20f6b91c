/// Nanoseconds on a monotonic scale, the time base of the pools' latency estimates. Wall
/// clock jumps (NTP, manual changes) must not make an estimate decay or freeze.
enum BalancerClock {
    private static let origin = ContinuousClock.now

    static func nanoseconds() -> UInt64 {
        let (seconds, attoseconds) = (ContinuousClock.now - origin).components
        return UInt64(max(seconds, 0)) &* 1_000_000_000 &+ UInt64(max(attoseconds, 0) / 1_000_000_000)
    }
}

/// SplitMix64 seeded once from the system: picks happen per connection on event loops, and a
/// system random call per draw would be a syscall on some platforms. Not for secrets.
struct BalancerRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64 = UInt64.random(in: .min ... .max)) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
