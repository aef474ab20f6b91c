import TernCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@testable import TernProxy

/// The exposition text, byte for byte: Prometheus and Linkerd's tooling parse it.
@Suite struct MetricsRenderingTests {
    @Test func countersAndGaugesRenderWithHelpTypeAndSortedSeries() {
        let registry = MetricsRegistry()
        let requests = registry.counter("requests_total", help: "Requests seen.")
        let open = registry.gauge("open_things", help: "Things open\nnow.")
        requests.metric(MetricLabels([("path", "/b")])).increment(by: 3)
        requests.metric(MetricLabels([("path", "/a\"quoted\"\\\n")])).increment()
        open.metric().increment(by: 5)
        open.metric().decrement(by: 2)
        #expect(
            registry.render() == """
                # HELP requests_total Requests seen.
                # TYPE requests_total counter
                requests_total{path="/a\\"quoted\\"\\\\\\n"} 1
                requests_total{path="/b"} 3
                # HELP open_things Things open\\nnow.
                # TYPE open_things gauge
                open_things 3

                """)
    }

    @Test func histogramRendersCumulativeBucketsSumAndCount() {
        let registry = MetricsRegistry()
        let latency = registry.histogram("latency_ms", help: "Latency.", buckets: HistogramBuckets([1, 5, 10]))
        let series = latency.metric(MetricLabels([("direction", "inbound")]))
        for value in [0.5, 1, 1.5, 5, 7, 10, 11, 250] { series.record(value) }
        #expect(
            registry.render() == """
                # HELP latency_ms Latency.
                # TYPE latency_ms histogram
                latency_ms_bucket{direction="inbound",le="1"} 2
                latency_ms_bucket{direction="inbound",le="5"} 4
                latency_ms_bucket{direction="inbound",le="10"} 6
                latency_ms_bucket{direction="inbound",le="+Inf"} 8
                latency_ms_sum{direction="inbound"} 286
                latency_ms_count{direction="inbound"} 8

                """)
    }

    @Test func unlabelledHistogramAndFractionalSum() {
        let registry = MetricsRegistry()
        let h = registry.histogram("h", help: "H.", buckets: HistogramBuckets([0.5]))
        h.metric().record(0.25)
        #expect(
            registry.render() == """
                # HELP h H.
                # TYPE h histogram
                h_bucket{le="0.5"} 1
                h_bucket{le="+Inf"} 1
                h_sum 0.25
                h_count 1

                """)
    }

    @Test func linkerdLatencyBucketBoundariesAreInclusive() {
        let buckets = HistogramBuckets.linkerdLatencyMilliseconds
        #expect(buckets.upperBounds.map(Int.init) == [
            1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500,
            1000, 2000, 3000, 4000, 5000, 10000, 20000, 30000, 40000, 50000,
        ])
        #expect(buckets.index(of: 0) == 0)
        #expect(buckets.index(of: 1) == 0)
        #expect(buckets.index(of: 1.000001) == 1)
        #expect(buckets.index(of: 10) == 5)
        #expect(buckets.index(of: 50000) == 24)
        #expect(buckets.index(of: 50000.5) == 25)
        #expect(buckets.index(of: .infinity) == 25)
    }

    @Test func transportMetricsUseLinkerdNamesAndLabels() throws {
        let registry = MetricsRegistry()
        let transport = TransportMetrics(registry: registry)
        let client = try MeshIdentity(dnsName: "web.emojivoto.serviceaccount.identity.tern.cluster.local")
        let inbound = transport.connection(
            TrafficLabels(direction: .inbound, peer: .src, targetAddress: "10.0.0.7:8080", tls: .established(peer: client)))
        inbound.opened()
        inbound.bytesRead(100)
        inbound.bytesWritten(40)
        inbound.closed()
        inbound.opened()
        inbound.closed(errno: ECONNRESET)
        let outbound = transport.connection(
            TrafficLabels(
                direction: .outbound, peer: .dst, targetAddress: "10.0.0.9:80", tls: .noIdentity(.notProvidedByServiceDiscovery),
                destination: ["service": "voting", "namespace": "emojivoto"]))
        outbound.opened()
        let inLabels = #"direction="inbound",peer="src",target_addr="10.0.0.7:8080",tls="true",client_id="web.emojivoto.serviceaccount.identity.tern.cluster.local""#
        let outLabels = #"direction="outbound",peer="dst",target_addr="10.0.0.9:80",tls="no_identity",no_tls_reason="not_provided_by_service_discovery",dst_namespace="emojivoto",dst_service="voting""#
        #expect(
            registry.render() == """
                # HELP tcp_open_total Total count of opened connections.
                # TYPE tcp_open_total counter
                tcp_open_total{\(inLabels)} 2
                tcp_open_total{\(outLabels)} 1
                # HELP tcp_close_total Total count of closed connections.
                # TYPE tcp_close_total counter
                tcp_close_total{\(inLabels)} 1
                tcp_close_total{\(inLabels),errno="ECONNRESET"} 1
                tcp_close_total{\(outLabels)} 0
                # HELP tcp_open_connections Number of currently-open connections.
                # TYPE tcp_open_connections gauge
                tcp_open_connections{\(inLabels)} 0
                tcp_open_connections{\(outLabels)} 1
                # HELP tcp_read_bytes_total Total count of bytes read from peers.
                # TYPE tcp_read_bytes_total counter
                tcp_read_bytes_total{\(inLabels)} 100
                tcp_read_bytes_total{\(outLabels)} 0
                # HELP tcp_write_bytes_total Total count of bytes written to peers.
                # TYPE tcp_write_bytes_total counter
                tcp_write_bytes_total{\(inLabels)} 40
                tcp_write_bytes_total{\(outLabels)} 0

                """)
    }

    @Test func responseLabelsFollowLinkerd() {
        let base = TrafficLabels(direction: .outbound, peer: .dst, authority: "web:80", tls: .noIdentity(.loopback)).metricLabels
        let ok = ResponseLabels(statusCode: 200, grpcStatus: 0, classification: .success)
        #expect(
            ok.responseTotalLabels(base).rendered
                == #"direction="outbound",peer="dst",authority="web:80",tls="no_identity",no_tls_reason="loopback",classification="success",status_code="200",grpc_status="0""#)
        #expect(ok.latencyLabels(base).rendered == base.rendered + #",status_code="200""#)
        let failed = ResponseLabels(statusCode: nil, classification: .failure, error: "timeout")
        #expect(failed.responseTotalLabels(.none).rendered == #"classification="failure",error="timeout""#)
    }

    @Test func identityMetricsRenderThroughTheRegistry() {
        let registry = MetricsRegistry()
        let identity = IdentityMetrics()
        registry.register(identity)
        #expect(registry.render() == identity.render())
        #expect(registry.render().contains("# TYPE control_identity_cert_refreshes_total counter"))
    }

    @Test func processMetricsComeFromProc() throws {
        var out = ""
        ProcessMetrics().render(into: &out)
        #if os(Linux)
        for name in ["process_cpu_seconds_total", "process_resident_memory_bytes", "process_start_time_seconds", "process_open_fds"] {
            #expect(out.contains("# TYPE \(name) "))
            let line = try #require(out.split(separator: "\n").first(where: { $0.hasPrefix(name + " ") }))
            let value = try #require(Double(line.split(separator: " ")[1]))
            #expect(value >= 0)
        }
        #expect(out.contains("# TYPE process_cpu_seconds_total counter"))
        #endif
    }

    @Test func procStatParsesFieldsAfterTheCommandName() throws {
        let line = "42 (tern) proxy)) S 1 42 42 0 -1 4194560 500 0 0 0 120 30 0 0 20 0 3 0 9000 123456789 2048 18446744073709551615"
        let stat = try #require(ProcStat(parsing: line))
        #expect(stat == ProcStat(userTicks: 120, systemTicks: 30, startTicks: 9000, virtualBytes: 123456789, residentPages: 2048))
        #expect(ProcStat.bootTime(inProcStat: "cpu 1 2 3\nbtime 1700000000\nprocesses 9\n") == 1_700_000_000)
        #expect(ProcStat(parsing: "garbage") == nil)
    }
}
