/// The certifier's metrics render themselves (their logic stays in IdentityMetrics); this
/// lets the registry put them into the same scrape.
extension IdentityMetrics: MetricSource {
    public func render(into out: inout String) {
        out += render()
    }
}
