/// linkerd2-proxy's HTTP golden metrics: requests, responses by classification and status,
/// and response latency in milliseconds with Linkerd's buckets.
public final class HTTPMetrics: Sendable {
    public let requestTotal: CounterFamily
    public let responseTotal: CounterFamily
    public let responseLatency: HistogramFamily

    public init(registry: MetricsRegistry) {
        requestTotal = registry.counter("request_total", help: "Total count of HTTP requests.")
        responseTotal = registry.counter("response_total", help: "Total count of HTTP responses.")
        responseLatency = registry.histogram(
            "response_latency_ms", help: "Elapsed times between a request's headers being received and its response stream completing",
            buckets: .linkerdLatencyMilliseconds)
    }
}

/// Whether a response counts as a success for success-rate metrics (`classification`).
public enum ResponseClassification: String, Sendable, Hashable {
    case success, failure
}

/// The labels a response adds to its request's `TrafficLabels`.
public struct ResponseLabels: Sendable, Hashable {
    public var statusCode: Int?
    public var grpcStatus: Int?
    public var classification: ResponseClassification
    /// Why the proxy itself failed the request (`error`), when it did.
    public var error: String?

    public init(statusCode: Int?, grpcStatus: Int? = nil, classification: ResponseClassification, error: String? = nil) {
        self.statusCode = statusCode
        self.grpcStatus = grpcStatus
        self.classification = classification
        self.error = error
    }

    /// For `response_total`: classification, status_code, grpc_status and error.
    public func responseTotalLabels(_ base: MetricLabels) -> MetricLabels {
        var labels = base.appending("classification", classification.rawValue)
        if let statusCode { labels = labels.appending("status_code", String(statusCode)) }
        if let grpcStatus { labels = labels.appending("grpc_status", String(grpcStatus)) }
        if let error { labels = labels.appending("error", error) }
        return labels
    }

    /// For `response_latency_ms`: the status code only, as Linkerd labels it.
    public func latencyLabels(_ base: MetricLabels) -> MetricLabels {
        statusCode.map { base.appending("status_code", String($0)) } ?? base
    }
}
