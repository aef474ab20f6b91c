/// "Power of two choices": pick two distinct candidates at random and keep the cheaper one.
/// Comparing two random candidates instead of scanning for the global minimum avoids herding
/// every caller onto the one endpoint that looks best right now, while still steering load
/// away from slow or busy endpoints (the worse of any pair is never chosen).
public enum PowerOfTwoChoices {
    /// The chosen index in `0..<count`: nil when there is nothing to choose from, the only
    /// index when there is one, otherwise the cheaper of two distinct random indices (the
    /// first drawn on a tie). `cost` is called at most twice.
    public static func pick<G: RandomNumberGenerator>(count: Int, using generator: inout G, cost: (Int) -> Double) -> Int? {
        guard count > 0 else { return nil }
        guard count > 1 else { return 0 }
        let first = Int.random(in: 0..<count, using: &generator)
        // Draw the second from the remaining count - 1 slots and skip over the first, so the
        // two are distinct without a retry loop.
        var second = Int.random(in: 0..<(count - 1), using: &generator)
        if second >= first { second += 1 }
        return cost(second) < cost(first) ? second : first
    }
}
