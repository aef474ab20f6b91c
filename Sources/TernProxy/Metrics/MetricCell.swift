/// One time series of a family: made once per label set, kept by whoever records into it.
public protocol MetricCell: AnyObject, Sendable {
    /// What every series of a family shares (histogram buckets); `Void` for most types.
    associatedtype Configuration: Sendable
    /// The `# TYPE` word.
    static var typeName: String { get }
    init(configuration: Configuration)
    /// Appends this series' sample lines; `labels` is the rendered label set.
    func render(name: String, labels: MetricLabels, into out: inout String)
}
