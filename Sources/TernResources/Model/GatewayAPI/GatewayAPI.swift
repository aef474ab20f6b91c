import TernCore

/// Kubernetes Gateway API kinds (`gateway.networking.k8s.io`). Linkerd implements the mesh
/// (GAMMA) profile of these routes, and `policy.linkerd.io` HTTPRoute reuses their shapes, so the
/// shared sub-types live here.
public enum GatewayAPI {
    public static let group = "gateway.networking.k8s.io"
}

extension GatewayAPI {
    /// Gateway API hostnames: a DNS name, optionally with a single leading `*.` wildcard label.
    /// IP addresses and ports are not hostnames here.
    static func isValidHostname(_ s: String) -> Bool {
        var name = Substring(s)
        if name.hasPrefix("*.") { name = name.dropFirst(2) }
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        // A name made only of digits and dots is an IPv4 address, not a hostname.
        if labels.allSatisfy({ $0.allSatisfy(\.isNumber) }) { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        }
    }

    /// RFC 7230 `token`: the characters an HTTP header (or query parameter) name may hold.
    static func isHTTPToken(_ s: String) -> Bool {
        guard !s.isEmpty else { return false }
        return s.unicodeScalars.allSatisfy { c in
            c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(c))
        }
    }
}

extension Validator {
    /// Route and listener hostnames (see `GatewayAPI.isValidHostname`). A bare `*` is outside
    /// Gateway API's pattern, but ingress2gateway emits it (seed 000) and its meaning is plain:
    /// every host, as if hostnames were left out — so Tern accepts it.
    mutating func gatewayHostname(_ value: String?, at key: String?) {
        guard let value, value != "*" else { return }
        if !GatewayAPI.isValidHostname(value) {
            error("expected a hostname such as \"example.com\" or \"*.example.com\" (lowercase, no IP address or port), got \"\(value)\"", at: key)
        }
    }

    /// HTTP header and query parameter names.
    mutating func httpToken(_ value: String?, what: String, at key: String?) {
        guard let value else { return }
        if !GatewayAPI.isHTTPToken(value) {
            error("expected a valid \(what) name (letters, digits and !#$%&'*+-.^_`|~), got \"\(value)\"", at: key)
        }
    }

    /// Names that must be DNS subdomains (object references).
    mutating func objectName(_ value: String?, at key: String) {
        guard let value else { return }
        if !KubernetesNames.isDNSSubdomain(value) {
            error("\"\(value)\" is not a valid object name (lowercase letters, digits, '-' and '.')", at: key)
        }
    }

    /// Namespaces in references are DNS labels.
    mutating func namespaceName(_ value: String?, at key: String) {
        guard let value else { return }
        if !KubernetesNames.isDNSLabel(value) {
            error("\"\(value)\" is not a valid namespace name (a DNS label: lowercase letters, digits and '-', at most 63 characters)", at: key)
        }
    }
}

extension Validator {
    /// Checks the kind (and group) of a reference inside a list element; reports at `kind`.
    /// `"core"` is accepted as a spelling of the core group, as Linkerd does.
    mutating func referencedKind(group: String?, kind: String?, allowed: [(group: String, kind: String)], defaultGroup: String, defaultKind: String?) {
        let names = allowed.map { $0.group.isEmpty ? $0.kind : "\($0.kind).\($0.group)" }.joined(separator: ", ")
        guard let k = kind ?? defaultKind else {
            error("required field \"kind\" is missing (expected one of: \(names))", at: "kind")
            return
        }
        let g = (group ?? defaultGroup) == "core" ? "" : (group ?? defaultGroup)
        if !allowed.contains(where: { $0.group == g && $0.kind == k }) {
            error("cannot refer to \(g.isEmpty ? k : "\(k).\(g)") here; expected one of: \(names)", at: "kind")
        }
    }
}
