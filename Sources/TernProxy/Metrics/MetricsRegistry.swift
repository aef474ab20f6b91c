import Synchronization

/// The proxy's metrics, rendered for `GET /metrics` in registration order. Families are
/// registered at startup; sources (process, identity) render themselves at scrape time.
public final class MetricsRegistry: Sendable {
    private struct State {
        var sources: [any MetricSource] = []
        var names: Set<String> = []
    }

    private let state = Mutex(State())

    public init() {}

    public func counter(_ name: String, help: String) -> CounterFamily {
        add(CounterFamily(name: name, help: help, configuration: ()))
    }

    public func gauge(_ name: String, help: String) -> GaugeFamily {
        add(GaugeFamily(name: name, help: help, configuration: ()))
    }

    public func histogram(_ name: String, help: String, buckets: HistogramBuckets) -> HistogramFamily {
        add(HistogramFamily(name: name, help: help, configuration: buckets))
    }

    /// Adds a source that renders its own families (for example `IdentityMetrics`).
    public func register(_ source: any MetricSource) {
        state.withLock { $0.sources.append(source) }
    }

    /// The whole scrape in the text exposition format.
    public func render() -> String {
        let sources = state.withLock { $0.sources }
        var out = ""
        for source in sources { source.render(into: &out) }
        return out
    }

    /// Two families with one name would make an invalid exposition; names are code
    /// constants, so that is a programming error caught at startup.
    private func add<Metric>(_ family: MetricFamily<Metric>) -> MetricFamily<Metric> {
        state.withLock {
            precondition($0.names.insert(family.name).inserted, "metric family \(family.name) registered twice")
            $0.sources.append(family)
        }
        return family
    }
}
