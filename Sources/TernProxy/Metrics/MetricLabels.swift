/// A label set rendered once, when a metric handle is made, into Prometheus form
/// (`a="x",b="y"`), so recording never builds strings and rendering only concatenates.
public struct MetricLabels: Hashable, Sendable {
    /// The inside of the braces; empty for an unlabelled series.
    public let rendered: String

    public static let none = MetricLabels(rendered: "")

    private init(rendered: String) {
        self.rendered = rendered
    }

    /// Labels in the given order. Names are code constants, so a malformed one is a bug.
    public init(_ pairs: [(name: String, value: String)]) {
        var text = ""
        for (name, value) in pairs {
            precondition(Self.isValidName(name), "invalid Prometheus label name \(name)")
            if !text.isEmpty { text += "," }
            text += name
            text += "=\""
            text += PrometheusText.escapeLabelValue(value)
            text += "\""
        }
        rendered = text
    }

    /// These labels followed by one more (a response's status, a close's errno).
    public func appending(_ name: String, _ value: String) -> MetricLabels {
        let extra = MetricLabels([(name, value)])
        return rendered.isEmpty ? extra : MetricLabels(rendered: rendered + "," + extra.rendered)
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`, the exposition format's rule for label and metric names.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(0x30...0x39).contains(first) else { return false }
        return name.utf8.allSatisfy { c in
            (0x61...0x7A).contains(c) || (0x41...0x5A).contains(c) || (0x30...0x39).contains(c) || c == 0x5F
        }
    }
}
