/// Syntax rules for the names Kubernetes objects carry. Kept pure so the control plane, the CLI
/// and the migration tool agree on them.
public enum KubernetesNames {
    /// An IANA service name as Kubernetes uses for container/service port names:
    /// at most 15 characters of `[a-z0-9-]`, at least one letter, no leading, trailing or double `-`.
    public static func isValidPortName(_ s: String) -> Bool {
        guard (1...15).contains(s.count), s.first != "-", s.last != "-", !s.contains("--") else { return false }
        guard s.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else { return false }
        return s.contains { $0.isLetter }
    }

    /// RFC 1123 DNS label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
    public static func isDNSLabel(_ s: String) -> Bool {
        guard (1...63).contains(s.utf8.count), s.first != "-", s.last != "-" else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    /// RFC 1123 DNS subdomain: dot-separated labels, at most 253 characters.
    public static func isDNSSubdomain(_ s: String) -> Bool {
        guard (1...253).contains(s.utf8.count) else { return false }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        }
    }

    /// A label or annotation key: optional DNS-subdomain prefix + `/` + a name of at most 63
    /// characters of `[A-Za-z0-9._-]` that begins and ends alphanumeric.
    public static func isQualifiedName(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        if parts.count == 2, !isDNSSubdomain(String(parts[0])) { return false }
        return isLabelValue(String(parts.last!)) && !parts.last!.isEmpty
    }

    /// A label value: empty, or at most 63 characters of `[A-Za-z0-9._-]`, alphanumeric at both ends.
    public static func isLabelValue(_ s: String) -> Bool {
        if s.isEmpty { return true }
        guard s.utf8.count <= 63 else { return false }
        func alnum(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber) }
        guard alnum(s.first!), alnum(s.last!) else { return false }
        return s.allSatisfy { alnum($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }
}
