import NIOCore

/// Golden metrics for requests sharing one label set (direction, authority, target, tls,
/// identity, dst_*). Handles are looked up once per label set and response kind, so recording
/// a request is a few atomic adds; a recorder is used on one event loop only.
final class RequestRecorder {
    private struct ResponseKey: Hashable {
        var status: Int
        var grpcStatus: Int
        var failed: Bool
        var error: String?
    }

    private let metrics: HTTPMetrics
    private let labels: MetricLabels
    private let requests: CounterMetric
    private var responses: [ResponseKey: (total: CounterMetric, latency: HistogramMetric)] = [:]

    init(metrics: HTTPMetrics, labels: TrafficLabels) {
        self.metrics = metrics
        self.labels = labels.metricLabels
        requests = metrics.requestTotal.metric(self.labels)
    }

    func requestStarted() {
        requests.increment()
    }

    /// A response ended (or the proxy answered itself, with `error`). 5xx, a non-zero
    /// `grpc-status`, or no status at all (a reset) classify as failure, as Linkerd does.
    func responded(status: Int?, grpcStatus: Int?, error: String? = nil, since start: NIODeadline) {
        let failed = (status ?? 500) >= 500 || (grpcStatus ?? 0) != 0
        let key = ResponseKey(status: status ?? -1, grpcStatus: grpcStatus ?? -1, failed: failed, error: error)
        let handles: (total: CounterMetric, latency: HistogramMetric)
        if let cached = responses[key] {
            handles = cached
        } else {
            let response = ResponseLabels(statusCode: status, grpcStatus: grpcStatus,
                                          classification: failed ? .failure : .success, error: error)
            handles = (metrics.responseTotal.metric(response.responseTotalLabels(labels)),
                       metrics.responseLatency.metric(response.latencyLabels(labels)))
            responses[key] = handles
        }
        handles.total.increment()
        let elapsed = NIODeadline.now() - start
        handles.latency.record(Double(elapsed.nanoseconds) / 1_000_000)
    }
}

/// Recorders of one event loop, by label set. Bounded: a proxy seeing endless distinct
/// authorities starts over rather than growing (the metric series themselves stay).
final class RequestRecorders {
    private let metrics: HTTPMetrics
    private var recorders: [String: RequestRecorder] = [:]
    private static let limit = 4096

    init(metrics: HTTPMetrics) {
        self.metrics = metrics
    }

    /// `key` identifies `labels` cheaply (e.g. endpoint and authority); `labels` is built only
    /// on a miss.
    func recorder(_ key: String, labels: () -> TrafficLabels) -> RequestRecorder {
        if let recorder = recorders[key] { return recorder }
        if recorders.count >= Self.limit { recorders.removeAll(keepingCapacity: true) }
        let recorder = RequestRecorder(metrics: metrics, labels: labels())
        recorders[key] = recorder
        return recorder
    }
}
