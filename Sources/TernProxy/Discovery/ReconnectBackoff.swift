/// Delays between attempts to reopen a broken discovery stream: exponential so a controller
/// that is down is not hammered, jittered so thousands of proxies that lost the same
/// controller do not reconnect in lockstep, and capped so recovery is noticed within seconds.
struct ReconnectBackoff: Sendable {
    var initial: Duration = .milliseconds(100)
    var maximum: Duration = .seconds(5)
    var multiplier = 2.0
    /// Each delay is the base scaled by a random factor in 1 ± jitter (then capped).
    var jitter = 0.2

    private var base: Duration?

    init() {}

    /// The delay before the next attempt; each call grows the following one.
    mutating func next<G: RandomNumberGenerator>(using random: inout G) -> Duration {
        let current = base ?? initial
        base = min(current * multiplier, maximum)
        let factor = Double.random(in: (1 - jitter)...(1 + jitter), using: &random)
        return min(current * factor, maximum)
    }

    /// After a stream that delivered something, start again from the initial delay.
    mutating func reset() { base = nil }
}
