/// Findings in input order (objects as read, then by line), so the report reads top-down.
enum FindingOrder {
    static func sorted(_ findings: [Finding], objects: [ObjectRef]) -> [Finding] {
        let order = Dictionary(objects.enumerated().map { ($0.element.description, $0.offset) }) { a, _ in a }
        return findings.enumerated().sorted { a, b in
            let oa = order[a.element.object] ?? Int.max, ob = order[b.element.object] ?? Int.max
            if oa != ob { return oa < ob }
            let la = line(a.element.location), lb = line(b.element.location)
            return la != lb ? la < lb : a.offset < b.offset
        }.map(\.element)
    }

    private static func line(_ location: String) -> Int {
        Int(location.split(separator: ":").last ?? "") ?? 0
    }
}
