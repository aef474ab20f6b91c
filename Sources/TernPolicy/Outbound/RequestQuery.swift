/// The query parameters of a request target, for route matches on them.
public enum RequestQuery {
    /// `("a", "1")` pairs of `/path?a=1&b=x%20y`, in order, percent-decoded (`+` as a space, as
    /// forms encode it). A parameter without `=` has an empty value; empty pairs are skipped. A
    /// broken escape (`%zz`, a truncated `%4`, bytes that are not UTF-8) is kept literally
    /// rather than rejected: matching must never fail a request.
    public static func parameters(of target: String) -> [(String, String)] {
        guard let mark = target.firstIndex(of: "?") else { return [] }
        var query = target[target.index(after: mark)...]
        if let fragment = query.firstIndex(of: "#") { query = query[..<fragment] }
        return query.split(separator: "&").compactMap { pair -> (String, String)? in
            guard !pair.isEmpty else { return nil }
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// Percent-decoding that falls back to the raw text when the result is not valid UTF-8.
    static func decode(_ text: Substring) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var input = text.utf8[...]
        while let byte = input.popFirst() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                let digits = input.prefix(2)
                if digits.count == 2, let high = hexValue(digits.first!), let low = hexValue(digits.last!) {
                    bytes.append(high << 4 | low)
                    input = input.dropFirst(2)
                } else {
                    bytes.append(byte)
                }
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? String(text)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
