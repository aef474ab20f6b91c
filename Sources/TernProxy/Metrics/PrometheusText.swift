/// The small pieces of the Prometheus text exposition format (version 0.0.4) that every
/// metric type shares.
public enum PrometheusText {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// `# HELP` and `# TYPE` lines for a family.
    static func header(name: String, help: String, type: String, into out: inout String) {
        out += "# HELP \(name) \(escapeHelp(help))\n# TYPE \(name) \(type)\n"
    }

    /// One sample line: `name{labels} value` (no braces when there are no labels).
    static func sample(name: String, labels: String, value: String, into out: inout String) {
        out += name
        if !labels.isEmpty {
            out += "{"
            out += labels
            out += "}"
        }
        out += " "
        out += value
        out += "\n"
    }

    /// Backslash, double quote and newline are the characters a label value must escape.
    static func escapeLabelValue(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A }) else { return value }
        var out = ""
        for c in value.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// HELP text escapes backslash and newline only.
    static func escapeHelp(_ help: String) -> String {
        help.replacing("\\", with: "\\\\").replacing("\n", with: "\\n")
    }

    /// Whole numbers without a fraction (`5`, not `5.0`), as Prometheus clients write them;
    /// others in Swift's shortest round-tripping form.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
