import FoundationEssentials

/// When the certifier asks again. Pure so the schedule is tested without clocks or sockets.
public struct RefreshPolicy: Sendable {
    /// Refresh once this fraction of the remaining lifetime has passed (Linkerd's 70 %).
    public var lifetimeFraction = 0.7
    /// Never hammer the identity service, even with very short-lived leaves.
    public var minimumDelay: Duration = .seconds(10)
    /// Never wait longer than a day, so a long-lived leaf still rotates daily.
    public var maximumDelay: Duration = .seconds(24 * 3600)
    /// Failed attempts retry after `initialBackoff`, doubling up to `maximumBackoff`.
    public var initialBackoff: Duration = .milliseconds(500)
    public var maximumBackoff: Duration = .seconds(60)

    public init() {}

    public func delayAfterSuccess(validUntil: Date, now: Date) -> Duration {
        let remaining = max(0, validUntil.timeIntervalSince(now))
        let delay = Duration.milliseconds(Int64((remaining * lifetimeFraction * 1000).rounded()))
        return min(max(delay, minimumDelay), maximumDelay)
    }

    /// `failures` counts consecutive failures, starting at 1.
    public func delayAfterFailure(failures: Int) -> Duration {
        var delay = initialBackoff
        for _ in 1..<max(1, failures) {
            delay *= 2
            if delay >= maximumBackoff { return maximumBackoff }
        }
        return min(delay, maximumBackoff)
    }
}
