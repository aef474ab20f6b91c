/// A set of ports as Linkerd's annotations write them: `"25,587,3306"` or `"4000-4100,8080"`.
public struct PortSet: Sendable, Hashable {
    public private(set) var ranges: [ClosedRange<Int>]

    public init(ports: [Int]) { ranges = ports.map { $0...$0 } }
    public init(ranges: [ClosedRange<Int>]) { self.ranges = ranges }

    /// Parses the annotation form, or names the first element that is not a port or range.
    public static func parse(_ text: String) -> Result<PortSet, PortSetError> {
        var ranges: [ClosedRange<Int>] = []
        for raw in text.split(separator: ",") {
            let part = raw.withoutSurroundingSpaces
            if part.isEmpty { continue }
            let bounds = part.split(separator: "-", maxSplits: 1).map { Int($0.withoutSurroundingSpaces) }
            guard bounds.count >= 1, bounds.allSatisfy({ $0 != nil && (1...65535).contains($0!) }) else { return .failure(PortSetError(part: String(part))) }
            let lo = bounds[0]!, hi = bounds.count == 2 ? bounds[1]! : lo
            guard lo <= hi else { return .failure(PortSetError(part: String(part))) }
            ranges.append(lo...hi)
        }
        return .success(PortSet(ranges: ranges))
    }

    public func contains(_ port: Int) -> Bool { ranges.contains { $0.contains(port) } }
    public var isEmpty: Bool { ranges.isEmpty }
}

public struct PortSetError: Error, Hashable, CustomStringConvertible {
    public let part: String
    public var description: String { "\"\(part)\" is not a port or a port range such as 4000-4100" }
}

extension Substring {
    /// Without leading and trailing spaces.
    public var withoutSurroundingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
