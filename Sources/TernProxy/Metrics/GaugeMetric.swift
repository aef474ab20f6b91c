import Synchronization

/// A value that goes up and down (open connections). Recording is one relaxed atomic
/// operation, like a counter's.
public final class GaugeMetric: MetricCell {
    private let storage = Atomic<Int64>(0)

    public static var typeName: String { "gauge" }

    public init(configuration: Void = ()) {}

    public func increment(by amount: Int64 = 1) {
        storage.wrappingAdd(amount, ordering: .relaxed)
    }

    public func decrement(by amount: Int64 = 1) {
        storage.wrappingSubtract(amount, ordering: .relaxed)
    }

    public func set(_ value: Int64) {
        storage.store(value, ordering: .relaxed)
    }

    public var value: Int64 { storage.load(ordering: .relaxed) }

    public func render(name: String, labels: MetricLabels, into out: inout String) {
        PrometheusText.sample(name: name, labels: labels.rendered, value: String(value), into: &out)
    }
}
