import TernCore

/// The grammar of `retry.linkerd.io/http`: comma-separated `5xx`, `gateway-error`, a status
/// (`503`) or a range (`500-504`). One parser, used by validation and by the control plane.
public enum RetryConditions {
    /// The statuses one condition stands for; nil when it is not a condition.
    public static func statuses(_ condition: String) -> ClosedRange<Int>? {
        switch condition {
        case "5xx": return 500...599
        case "gateway-error": return 502...504
        default:
            let bounds = condition.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard (1...2).contains(bounds.count), bounds.allSatisfy({ $0.map { (100...599).contains($0) } ?? false }) else { return nil }
            let (lo, hi) = (bounds[0]!, bounds[bounds.count - 1]!)
            return lo <= hi ? lo...hi : nil
        }
    }

    /// The conditions of an annotation value, trimmed, empty parts skipped.
    public static func parts(_ value: String) -> [String] {
        value.split(separator: ",").map { String($0.withoutSurroundingSpaces) }.filter { !$0.isEmpty }
    }
}
