import Synchronization

/// A monotonically increasing count. Recording is one relaxed atomic add: no lock, no
/// allocation, safe from any event loop.
public final class CounterMetric: MetricCell {
    private let storage = Atomic<UInt64>(0)

    public static var typeName: String { "counter" }

    public init(configuration: Void = ()) {}

    public func increment(by amount: UInt64 = 1) {
        storage.wrappingAdd(amount, ordering: .relaxed)
    }

    public var value: UInt64 { storage.load(ordering: .relaxed) }

    public func render(name: String, labels: MetricLabels, into out: inout String) {
        PrometheusText.sample(name: name, labels: labels.rendered, value: String(value), into: &out)
    }
}
