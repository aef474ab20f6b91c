/// The protocol a server port speaks, as a Server's `proxyProtocol` declares it.
public enum ServerProtocol: String, Hashable, Sendable, Codable {
    /// Detect HTTP, else treat as opaque (Linkerd's `unknown`).
    case detect
    case http1
    case http2
    case grpc
    case opaque
    /// TLS the application terminates itself; passed through.
    case tls
}

/// The policy for one inbound port of one workload: what the proxy enforces there.
public struct InboundPolicy: Hashable, Sendable, Codable {
    public var serverProtocol: ServerProtocol
    public var authorizations: [ClientAuthorization]
    /// HTTP routes with their own authorizations; empty means one default route.
    public var routes: [InboundRoute]
    public var rateLimit: RateLimit?
    /// `srv_kind`/`srv_name` labels: "server"/name for a Server, "default"/policy name otherwise.
    public var serverKind: String
    public var serverName: String
    /// Deny decisions are logged and counted but not enforced (the `audit` policy).
    public var auditOnly: Bool

    public init(serverProtocol: ServerProtocol, authorizations: [ClientAuthorization], routes: [InboundRoute] = [],
                rateLimit: RateLimit? = nil, serverKind: String, serverName: String, auditOnly: Bool = false) {
        self.serverProtocol = serverProtocol
        self.authorizations = authorizations
        self.routes = routes
        self.rateLimit = rateLimit
        self.serverKind = serverKind
        self.serverName = serverName
        self.auditOnly = auditOnly
    }
}

/// An HTTP route on an inbound server with the authorizations that apply to it.
public struct InboundRoute: Hashable, Sendable, Codable {
    public var name: String
    public var matches: [HTTPMatch]
    public var authorizations: [ClientAuthorization]

    public init(name: String, matches: [HTTPMatch], authorizations: [ClientAuthorization]) {
        self.name = name
        self.matches = matches
        self.authorizations = authorizations
    }
}

/// Per-server request rate limits (HTTPLocalRateLimitPolicy).
public struct RateLimit: Hashable, Sendable, Codable {
    public var totalPerSecond: UInt32?
    public var perIdentityPerSecond: UInt32?
    public var overrides: [Override]

    public struct Override: Hashable, Sendable, Codable {
        public var perSecond: UInt32
        public var identities: [IdentityMatch]

        public init(perSecond: UInt32, identities: [IdentityMatch]) {
            self.perSecond = perSecond
            self.identities = identities
        }
    }

    public init(totalPerSecond: UInt32? = nil, perIdentityPerSecond: UInt32? = nil, overrides: [Override] = []) {
        self.totalPerSecond = totalPerSecond
        self.perIdentityPerSecond = perIdentityPerSecond
        self.overrides = overrides
    }
}
