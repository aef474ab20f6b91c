import TernCore

/// Who may connect: the networks a client's address must be in, and what it must prove.
public struct ClientAuthorization: Hashable, Sendable, Codable {
    public enum Authentication: Hashable, Sendable, Codable {
        /// Any client, TLS or not.
        case unauthenticated
        /// A TLS client, even without a mesh identity (Linkerd's `unauthenticatedTLS`).
        case tlsUnauthenticated
        /// A meshed client whose identity matches one of these.
        case meshTLS([IdentityMatch])
    }

    public struct Network: Hashable, Sendable, Codable {
        public var cidr: CIDR
        public var except: [CIDR]

        public init(cidr: CIDR, except: [CIDR] = []) {
            self.cidr = cidr
            self.except = except
        }

        public func contains(_ ip: IPAddress) -> Bool {
            cidr.contains(ip) && !except.contains { $0.contains(ip) }
        }
    }

    public var networks: [Network]
    public var authentication: Authentication
    /// `authz_kind` / `authz_name` labels for metrics (e.g. authorizationpolicy/allow-mesh).
    public var kind: String
    public var name: String

    public init(networks: [Network], authentication: Authentication, kind: String, name: String) {
        self.networks = networks
        self.authentication = authentication
        self.kind = kind
        self.name = name
    }

    /// Every address, IPv4 and IPv6.
    public static let allNetworks: [Network] = [
        Network(cidr: try! CIDR(parsing: "0.0.0.0/0")),
        Network(cidr: try! CIDR(parsing: "::/0")),
    ]
}

/// How a client identity is matched: exactly, by a `*.` suffix, or any identity at all.
public enum IdentityMatch: Hashable, Sendable, Codable, CustomStringConvertible {
    case exact(String)
    /// Matches identities ending in `.suffix` (from `*.suffix`).
    case suffix(String)
    case any

    /// Parses Linkerd's identity patterns: `*`, `*.ns.serviceaccount.identity.linkerd.cluster.local`, or a name.
    public init(pattern: String) {
        if pattern == "*" { self = .any }
        else if pattern.hasPrefix("*.") { self = .suffix(String(pattern.dropFirst(2))) }
        else { self = .exact(pattern) }
    }

    public func matches(_ identity: String) -> Bool {
        switch self {
        case .any: return true
        case .exact(let name): return identity == name
        case .suffix(let suffix): return identity.hasSuffix("." + suffix)
        }
    }

    public var description: String {
        switch self {
        case .any: return "*"
        case .exact(let name): return name
        case .suffix(let s): return "*.\(s)"
        }
    }
}
