import TernCore

/// Hands out object names unique per kind and namespace, valid as Kubernetes names, so
/// emitted objects never overwrite each other (or a Service the user already has).
struct NameAllocator {
    private var taken: Set<String> = []

    mutating func reserve(kind: String, namespace: String, name: String) {
        taken.insert("\(kind)/\(namespace)/\(name)")
    }

    func isTaken(kind: String, namespace: String, name: String) -> Bool {
        taken.contains("\(kind)/\(namespace)/\(name)")
    }

    /// `base` if free, else `base-2`, `base-3` …; cleaned to a DNS label-ish name first.
    mutating func allocate(kind: String, namespace: String, base: String) -> String {
        let clean = Self.sanitize(base)
        var candidate = clean
        var n = 2
        while isTaken(kind: kind, namespace: namespace, name: candidate) {
            let suffix = "-\(n)"
            candidate = String(clean.prefix(63 - suffix.count)) + suffix
            n += 1
        }
        reserve(kind: kind, namespace: namespace, name: candidate)
        return candidate
    }

    /// Lowercase letters, digits and '-', at most 63 characters, alphanumeric at both ends.
    static func sanitize(_ s: String) -> String {
        var out = String(s.lowercased().map { c -> Character in
            c.isASCII && (c.isLetter || c.isNumber) ? c : "-"
        })
        while out.contains("--") { out = out.replacingOccurrences("--", "-") }
        out = String(out.prefix(63))
        while out.hasPrefix("-") { out.removeFirst() }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "migrated" : out
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
