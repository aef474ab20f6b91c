/// An IP address as 4 or 16 bytes, parsed without Foundation so the proxy can use it too.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public var isIPv4: Bool { bytes.count == 4 }
    public var bitWidth: Int { bytes.count * 8 }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    public init?(parsing text: String) {
        if text.contains(":") {
            guard let b = Self.parseIPv6(text) else { return nil }
            bytes = b
        } else {
            guard let b = Self.parseIPv4(Substring(text)) else { return nil }
            bytes = b
        }
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }),
                  !(p.count > 1 && p.first == "0"), let v = UInt8(p) else { return nil }
            out.append(v)
        }
        return out
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        if let pct = text.firstIndex(of: "%") { text = text[..<pct] } // drop a zone id
        var tail: [UInt8] = []
        // An embedded IPv4 tail (::ffff:1.2.3.4).
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parseIPv4(text[text.index(after: lastColon)...]) else { return nil }
            tail = v4
            text = text[...lastColon]
            if text.hasSuffix(":") && !text.hasSuffix("::") { text = text.dropLast() }
        }
        let halves = text.components(separatedByDoubleColon: ())
        guard halves.count <= 2 else { return nil }
        func groups(_ s: Substring) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            for g in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard !g.isEmpty, g.count <= 4, let v = UInt16(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        let tailGroups = halves.count == 2 ? groups(halves[1]) : []
        guard let tg = tailGroups else { return nil }
        let want = 8 - tail.count / 2
        var all: [UInt16]
        if halves.count == 2 {
            guard head.count + tg.count < want else { return nil }
            all = head + Array(repeating: 0, count: want - head.count - tg.count) + tg
        } else {
            guard head.count == want else { return nil }
            all = head
        }
        var out: [UInt8] = []
        for g in all { out.append(UInt8(g >> 8)); out.append(UInt8(g & 0xff)) }
        return out + tail
    }

    public func masked(toPrefix prefix: Int) -> IPAddress {
        var b = bytes
        for i in 0..<b.count {
            let bitsHere = max(0, min(8, prefix - i * 8))
            b[i] &= bitsHere == 8 ? 0xff : ~(UInt8(0xff) >> bitsHere)
        }
        return IPAddress(bytes: b)!
    }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        var groups: [UInt16] = []
        for i in stride(from: 0, to: 16, by: 2) { groups.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])) }
        // Compress the longest run of zero groups (RFC 5952).
        var bestStart = -1, bestLen = 0, i = 0
        while i < 8 {
            if groups[i] == 0 {
                var j = i
                while j < 8 && groups[j] == 0 { j += 1 }
                if j - i > bestLen && j - i > 1 { bestStart = i; bestLen = j - i }
                i = j
            } else { i += 1 }
        }
        func hex(_ r: ArraySlice<UInt16>) -> String { r.map { String($0, radix: 16) }.joined(separator: ":") }
        if bestStart < 0 { return hex(groups[...]) }
        return hex(groups[..<bestStart]) + "::" + hex(groups[(bestStart + bestLen)...])
    }
}

extension Substring {
    /// Splits on the first `::` only; a second `::` is reported as a third piece (invalid).
    fileprivate func components(separatedByDoubleColon: Void) -> [Substring] {
        var pieces: [Substring] = []
        var rest = self
        while let r = rest.firstRange(of: "::") {
            pieces.append(rest[..<r.lowerBound])
            rest = rest[r.upperBound...]
        }
        pieces.append(rest)
        return pieces
    }
}
