import Testing

@testable import TernProxy

/// Recording from many tasks at once loses nothing: the handles are what event loops share.
@Suite struct MetricsConcurrencyTests {
    @Test func concurrentRecordingSumsExactly() async {
        let registry = MetricsRegistry()
        let transport = TransportMetrics(registry: registry)
        let latency = registry.histogram("latency_ms", help: "Latency.", buckets: .linkerdLatencyMilliseconds)
        let labels = TrafficLabels(direction: .inbound, peer: .src, tls: .noIdentity(.noTLSFromRemote))
        let tasks = 16, iterations = 2_000
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<tasks {
                group.addTask {
                    // Each task looks its handles up itself, as separate connections would.
                    let connection = transport.connection(labels)
                    let series = latency.metric()
                    for i in 0..<iterations {
                        connection.opened()
                        connection.bytesRead(3)
                        connection.bytesWritten(1)
                        connection.closed(errno: i % 100 == 0 ? 104 : nil)
                        series.record(Double((t + i) % 7))
                    }
                }
            }
        }
        let rendered = labels.metricLabels
        let total = UInt64(tasks * iterations)
        #expect(transport.openTotal.metric(rendered).value == total)
        #expect(transport.readBytesTotal.metric(rendered).value == 3 * total)
        #expect(transport.writeBytesTotal.metric(rendered).value == total)
        #expect(transport.openConnections.metric(rendered).value == 0)
        let errored = UInt64(tasks * iterations / 100)
        #expect(transport.closeTotal.metric(rendered).value == total - errored)
        #expect(transport.closeTotal.metric(rendered.appending("errno", ErrnoName.name(of: 104))).value == errored)
        let (count, sum) = latency.metric().countAndSum
        #expect(count == total)
        let expectedSum = (0..<tasks).reduce(0.0) { acc, t in acc + (0..<iterations).reduce(0.0) { $0 + Double((t + $1) % 7) } }
        #expect(sum == expectedSum)
    }

    @Test func sameLabelsShareOneSeries() {
        let registry = MetricsRegistry()
        let family = registry.counter("c_total", help: "C.")
        let a = family.metric(MetricLabels([("x", "1")]))
        let b = family.metric(MetricLabels([("x", "1")]))
        #expect(a === b)
        #expect(family.metric(MetricLabels([("x", "2")])) !== a)
    }
}
