/// Estimates how deeply a YAML document nests before it is handed to the parser, whose
/// recursion would otherwise be the limit. Counts block indentation levels, `- ` sequence
/// entries that start on one line, and flow brackets outside quotes.
enum NestingScanner {
    /// Returns the first line at which the depth exceeds `limit`, or nil.
    static func firstLineExceeding(_ limit: Int, in text: Substring) -> Int? {
        var indents: [Int] = []
        var flowDepth = 0
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let indent = line.prefix { $0 == " " }.count
            let body = line.dropFirst(indent)
            if flowDepth == 0 {
                if body.isEmpty || body.hasPrefix("#") { continue }
                while let last = indents.last, last >= indent { indents.removeLast() }
                indents.append(indent)
                // "- - - x" nests once per dash.
                var dashes = 0
                var rest = body
                while rest.hasPrefix("- ") { dashes += 1; rest = rest.dropFirst(2).drop { $0 == " " } }
                if indents.count + dashes > limit { return lineNumber }
            }
            var quote: Character? = nil
            for c in body {
                if let q = quote {
                    if c == q { quote = nil }
                    continue
                }
                switch c {
                case "\"", "'": quote = c
                case "#" where flowDepth == 0: break
                case "[", "{":
                    flowDepth += 1
                    if flowDepth + indents.count > limit { return lineNumber }
                case "]", "}": flowDepth = max(0, flowDepth - 1)
                default: break
                }
            }
        }
        return nil
    }
}
