/// Samples of the Prometheus text format, as the proxies' `/metrics` serve them. Lenient on
/// purpose: a line it cannot read is skipped, never a crash (the input is another process's
/// output). Pure.
public struct PrometheusSample: Sendable, Equatable {
    public var name: String
    public var labels: [String: String]
    public var value: Double

    public static func parse(_ text: String) -> [PrometheusSample] {
        text.split(separator: "\n").compactMap { parseLine(Substring($0)) }
    }

    static func parseLine(_ line: Substring) -> PrometheusSample? {
        let line = line.trimmingPrefix(while: { $0 == " " })
        guard !line.isEmpty, !line.hasPrefix("#") else { return nil }
        var labels: [String: String] = [:]
        let name: Substring
        var rest: Substring
        if let brace = line.firstIndex(of: "{") {
            name = line[..<brace]
            guard let (parsed, after) = parseLabels(line[line.index(after: brace)...]) else { return nil }
            labels = parsed
            rest = after
        } else {
            guard let space = line.firstIndex(of: " ") else { return nil }
            name = line[..<space]
            rest = line[space...]
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }) else { return nil }
        rest = rest.trimmingPrefix(while: { $0 == " " })
        let valueText = rest.split(separator: " ").first ?? ""
        guard let value = Double(valueText) else { return nil }
        return PrometheusSample(name: String(name), labels: labels, value: value)
    }

    /// `key="value",...}` with `\"`, `\\` and `\n` escapes; returns the labels and what follows `}`.
    private static func parseLabels(_ text: Substring) -> ([String: String], Substring)? {
        var labels: [String: String] = [:]
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == "}" { return (labels, text[text.index(after: i)...]) }
            if text[i] == "," || text[i] == " " { i = text.index(after: i); continue }
            guard let equals = text[i...].firstIndex(of: "=") else { return nil }
            let key = String(text[i..<equals])
            var j = text.index(after: equals)
            guard j < text.endIndex, text[j] == "\"" else { return nil }
            j = text.index(after: j)
            var value = ""
            while true {
                guard j < text.endIndex else { return nil }
                let c = text[j]
                if c == "\"" { break }
                if c == "\\" {
                    j = text.index(after: j)
                    guard j < text.endIndex else { return nil }
                    value.append(text[j] == "n" ? "\n" : text[j])
                } else {
                    value.append(c)
                }
                j = text.index(after: j)
            }
            labels[key] = value
            i = text.index(after: j)
        }
        return nil
    }
}

extension Array where Element == PrometheusSample {
    /// The sum of `name` over samples carrying every label in `matching`.
    public func sum(_ name: String, _ matching: [String: String] = [:]) -> Double {
        filter { sample in sample.name == name && matching.allSatisfy { key, value in sample.labels[key] == value } }
            .reduce(0) { $0 + $1.value }
    }

    public func first(_ name: String) -> Double? { first { $0.name == name }?.value }
}
