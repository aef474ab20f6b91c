import TernCore

/// Linkerd's configuration kinds: `policy.linkerd.io` (servers, authorization, routes, rate
/// limits, egress), `linkerd.io` ServiceProfile and `workload.linkerd.io` ExternalWorkload.
public enum Linkerd {
    public static let policyGroup = "policy.linkerd.io"

    /// The default inbound policies (`config.linkerd.io/default-inbound-policy`, Server
    /// `accessPolicy`).
    public enum DefaultPolicy: String, ClosedSetValue {
        case allUnauthenticated = "all-unauthenticated"
        case allAuthenticated = "all-authenticated"
        case clusterAuthenticated = "cluster-authenticated"
        case clusterUnauthenticated = "cluster-unauthenticated"
        case deny
        case audit
    }

    /// A reference to an object in the referrer's namespace (policy targets).
    public struct LocalTargetRef: Codable, Sendable, Hashable {
        public var group: String?
        public var kind: String?
        public var name: String?

        public init(group: String? = nil, kind: String, name: String) {
            self.group = group
            self.kind = kind
            self.name = name
        }
    }

    /// A reference that may cross namespaces (authentications, client service accounts).
    public struct NamespacedTargetRef: Codable, Sendable, Hashable {
        public var group: String?
        public var kind: String?
        public var name: String?
        public var namespace: String?

        public init(group: String? = nil, kind: String, name: String, namespace: String? = nil) {
            self.group = group
            self.kind = kind
            self.name = name
            self.namespace = namespace
        }
    }

    /// An IP network with exceptions (NetworkAuthentication, ServerAuthorization, EgressNetwork).
    public struct Network: Codable, Sendable, Hashable {
        public var cidr: String?
        public var except: [String]?

        public init(cidr: String, except: [String]? = nil) {
            self.cidr = cidr
            self.except = except
        }
    }

    /// Whether `s` is a mesh identity pattern: `*`, a SPIFFE ID, or a DNS-like identity
    /// (`sa.ns.serviceaccount.identity.linkerd.cluster.local`) whose leftmost labels may be `*`.
    public static func isIdentityPattern(_ s: String) -> Bool {
        if s == "*" { return true }
        if s.hasPrefix("spiffe://") { return isSPIFFEID(s) }
        let labels = s.split(separator: ".", omittingEmptySubsequences: false)
        let concrete = labels.drop { $0 == "*" }
        guard labels.count >= 2, !concrete.isEmpty, s.utf8.count <= 253 else { return false }
        return concrete.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        }
    }

    /// `spiffe://<trust-domain>[/<path>]` with a lowercase DNS-like trust domain.
    public static func isSPIFFEID(_ s: String) -> Bool {
        guard s.hasPrefix("spiffe://") else { return false }
        let rest = s.dropFirst("spiffe://".count)
        let domain = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(domain.count)
        guard !domain.isEmpty, domain.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }) else { return false }
        return !path.contains("//") && !path.hasSuffix("/") && path.allSatisfy { $0.isASCII && !$0.isWhitespace }
    }
}

extension Validator {
    /// A MeshTLSAuthentication / ServerAuthorization identity pattern.
    mutating func meshIdentity(_ value: String, at key: String?) {
        if !Linkerd.isIdentityPattern(value) {
            error("expected \"*\" or an identity such as \"default.faces.serviceaccount.identity.linkerd.cluster.local\" (only the leftmost labels may be \"*\"), got \"\(value)\"", at: key)
        }
    }

    /// Networks: each `cidr` parses, and every `except` parses and lies inside its `cidr`.
    mutating func networks(_ networks: [Linkerd.Network]?, at key: String) {
        each(key, networks) { v, n in
            guard let text = v.required(n.cidr, "cidr") else { return }
            let outer: CIDR
            do { outer = try CIDR(parsing: text) } catch {
                v.error("expected a CIDR such as 10.0.0.0/8, got \"\(text)\": \(error)", at: "cidr")
                return
            }
            v.each("except", n.except) { v, e in
                let inner: CIDR
                do { inner = try CIDR(parsing: e) } catch {
                    v.error("expected a CIDR such as 10.0.0.0/8, got \"\(e)\": \(error)")
                    return
                }
                if inner.prefixLength < outer.prefixLength || !outer.contains(inner.address) {
                    v.error("\(e) is not inside \(text)")
                }
            }
        }
    }
}
