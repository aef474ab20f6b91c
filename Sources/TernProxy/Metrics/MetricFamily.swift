import Synchronization

/// Anything that can append complete families (HELP, TYPE, samples) to a scrape.
public protocol MetricSource: Sendable {
    func render(into out: inout String)
}

/// All series of one metric name. Handing out a series takes the family's lock once; callers
/// keep the handle (per connection, per route) so the hot path never comes back here.
public final class MetricFamily<Metric: MetricCell>: MetricSource {
    public let name: String
    public let help: String
    private let configuration: Metric.Configuration
    private let series = Mutex<[MetricLabels: Metric]>([:])

    init(name: String, help: String, configuration: Metric.Configuration) {
        precondition(MetricLabels.isValidName(name), "invalid Prometheus metric name \(name)")
        self.name = name
        self.help = help
        self.configuration = configuration
    }

    /// The series for `labels`, created on first use. The same labels always give the same
    /// series, so two connections with equal labels add up.
    public func metric(_ labels: MetricLabels = .none) -> Metric {
        series.withLock { series in
            if let existing = series[labels] { return existing }
            let made = Metric(configuration: configuration)
            series[labels] = made
            return made
        }
    }

    /// Series sorted by their labels, so scrapes are stable and diffable.
    public func render(into out: inout String) {
        let snapshot = series.withLock { Array($0) }.sorted { $0.key.rendered < $1.key.rendered }
        PrometheusText.header(name: name, help: help, type: Metric.typeName, into: &out)
        for (labels, metric) in snapshot {
            metric.render(name: name, labels: labels, into: &out)
        }
    }
}

public typealias CounterFamily = MetricFamily<CounterMetric>
public typealias GaugeFamily = MetricFamily<GaugeMetric>
public typealias HistogramFamily = MetricFamily<HistogramMetric>
