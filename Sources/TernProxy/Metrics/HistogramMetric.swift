import Synchronization

/// Upper bounds of a histogram's buckets, shared by every series of a family. The `le`
/// label values are rendered once here rather than on every scrape.
public struct HistogramBuckets: Sendable, Hashable {
    public let upperBounds: [Double]
    let leLabels: [String]

    /// Bounds must be finite and strictly increasing; `+Inf` is always added.
    public init(_ upperBounds: [Double]) {
        precondition(!upperBounds.isEmpty && upperBounds.allSatisfy(\.isFinite), "histogram bounds must be finite")
        precondition(zip(upperBounds, upperBounds.dropFirst()).allSatisfy { $0 < $1 }, "histogram bounds must increase")
        self.upperBounds = upperBounds
        leLabels = upperBounds.map(PrometheusText.format) + ["+Inf"]
    }

    /// linkerd2-proxy's `response_latency_ms` buckets, so Linkerd dashboards' quantiles match.
    public static let linkerdLatencyMilliseconds = HistogramBuckets([
        1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500,
        1000, 2000, 3000, 4000, 5000, 10000, 20000, 30000, 40000, 50000,
    ])

    /// The bucket an observation falls in: the first bound it does not exceed (`le` is
    /// inclusive), or the `+Inf` bucket. Binary search: recording stays O(log buckets).
    func index(of value: Double) -> Int {
        var low = 0, high = upperBounds.count
        while low < high {
            let mid = (low + high) / 2
            if value <= upperBounds[mid] { high = mid } else { low = mid + 1 }
        }
        return low
    }
}

/// A distribution of observations. Each series has its own small lock around fixed-size
/// counts (updated in place, never reallocated), so recording allocates nothing and only
/// contends with recordings into the same series.
public final class HistogramMetric: MetricCell {
    private struct State {
        var counts: [UInt64]
        var sum: Double = 0
    }

    public let buckets: HistogramBuckets
    private let state: Mutex<State>

    public static var typeName: String { "histogram" }

    public init(configuration buckets: HistogramBuckets) {
        self.buckets = buckets
        state = Mutex(State(counts: Array(repeating: 0, count: buckets.upperBounds.count + 1)))
    }

    public func record(_ value: Double) {
        let i = buckets.index(of: value)
        state.withLock {
            $0.counts[i] &+= 1
            $0.sum += value
        }
    }

    /// Total observations and their sum, read together.
    public var countAndSum: (count: UInt64, sum: Double) {
        state.withLock { s in (s.counts.reduce(0, &+), s.sum) }
    }

    public func render(name: String, labels: MetricLabels, into out: inout String) {
        let (counts, sum) = state.withLock { ($0.counts, $0.sum) }
        let prefix = labels.rendered.isEmpty ? "" : labels.rendered + ","
        var cumulative: UInt64 = 0
        for (count, le) in zip(counts, buckets.leLabels) {
            cumulative &+= count
            PrometheusText.sample(name: name + "_bucket", labels: prefix + "le=\"\(le)\"", value: String(cumulative), into: &out)
        }
        PrometheusText.sample(name: name + "_sum", labels: labels.rendered, value: PrometheusText.format(sum), into: &out)
        PrometheusText.sample(name: name + "_count", labels: labels.rendered, value: String(cumulative), into: &out)
    }
}
