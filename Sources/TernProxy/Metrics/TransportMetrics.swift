/// linkerd2-proxy's TCP metrics: opens, closes (with `errno` when a connection failed), open
/// connections, and bytes each way.
public final class TransportMetrics: Sendable {
    public let openTotal: CounterFamily
    public let closeTotal: CounterFamily
    public let openConnections: GaugeFamily
    public let readBytesTotal: CounterFamily
    public let writeBytesTotal: CounterFamily

    public init(registry: MetricsRegistry) {
        openTotal = registry.counter("tcp_open_total", help: "Total count of opened connections.")
        closeTotal = registry.counter("tcp_close_total", help: "Total count of closed connections.")
        openConnections = registry.gauge("tcp_open_connections", help: "Number of currently-open connections.")
        readBytesTotal = registry.counter("tcp_read_bytes_total", help: "Total count of bytes read from peers.")
        writeBytesTotal = registry.counter("tcp_write_bytes_total", help: "Total count of bytes written to peers.")
    }

    /// Handles for one connection's label set; make it when the connection is accepted or
    /// dialled, then record from the channel handler without further lookups.
    public func connection(_ labels: TrafficLabels) -> TCPConnectionMetrics {
        let rendered = labels.metricLabels
        return TCPConnectionMetrics(
            labels: rendered, opens: openTotal.metric(rendered), cleanCloses: closeTotal.metric(rendered),
            open: openConnections.metric(rendered), read: readBytesTotal.metric(rendered),
            written: writeBytesTotal.metric(rendered), closeFamily: closeTotal)
    }
}

/// One connection's metric handles. Byte counts are single atomic adds; only a close with an
/// error looks up a series (errors are rare, and their errno is not known in advance).
public struct TCPConnectionMetrics: Sendable {
    let labels: MetricLabels
    let opens: CounterMetric
    let cleanCloses: CounterMetric
    let open: GaugeMetric
    let read: CounterMetric
    let written: CounterMetric
    let closeFamily: CounterFamily

    public func opened() {
        opens.increment()
        open.increment()
    }

    public func bytesRead(_ count: Int) {
        read.increment(by: UInt64(truncatingIfNeeded: count))
    }

    public func bytesWritten(_ count: Int) {
        written.increment(by: UInt64(truncatingIfNeeded: count))
    }

    /// `errno` is the failure that ended the connection, nil for a clean close.
    public func closed(errno: Int32? = nil) {
        open.decrement()
        if let errno {
            closeFamily.metric(labels.appending("errno", ErrnoName.name(of: errno))).increment()
        } else {
            cleanCloses.increment()
        }
    }
}
