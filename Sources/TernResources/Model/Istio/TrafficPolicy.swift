extension Istio {
    /// Client-side policy for a destination: load balancing, connection limits, outlier
    /// detection (circuit breaking) and upstream TLS, optionally per port.
    public struct TrafficPolicy: Codable, Sendable, Hashable {
        public var loadBalancer: LoadBalancerSettings?
        public var connectionPool: ConnectionPoolSettings?
        public var outlierDetection: OutlierDetection?
        public var tls: ClientTLSSettings?
        public var portLevelSettings: [PortTrafficPolicy]?
        /// Kept whole: only reported.
        public var tunnel: ManifestNode?
        public var proxyProtocol: ManifestNode?

        public init(loadBalancer: LoadBalancerSettings? = nil, connectionPool: ConnectionPoolSettings? = nil,
                    outlierDetection: OutlierDetection? = nil, tls: ClientTLSSettings? = nil) {
            self.loadBalancer = loadBalancer
            self.connectionPool = connectionPool
            self.outlierDetection = outlierDetection
            self.tls = tls
        }

        func validate(_ v: inout Validator) {
            v.at("outlierDetection", outlierDetection) { v, o in o.validate(&v) }
            v.at("connectionPool", connectionPool) { v, c in c.validate(&v) }
            v.each("portLevelSettings", portLevelSettings) { v, p in
                let port = v.required(p.port, "port")
                v.at("port", port) { v, p in v.portNumber(p.number, at: "number") }
                v.at("outlierDetection", p.outlierDetection) { v, o in o.validate(&v) }
                v.at("connectionPool", p.connectionPool) { v, c in c.validate(&v) }
            }
        }
    }

    public struct PortTrafficPolicy: Codable, Sendable, Hashable {
        public var port: PortSelector?
        public var loadBalancer: LoadBalancerSettings?
        public var connectionPool: ConnectionPoolSettings?
        public var outlierDetection: OutlierDetection?
        public var tls: ClientTLSSettings?
    }

    public struct LoadBalancerSettings: Codable, Sendable, Hashable {
        public var simple: SimpleLB?
        /// Session affinity by header, cookie, source IP or query parameter; kept whole.
        public var consistentHash: ManifestNode?
        public var localityLbSetting: ManifestNode?
        public var warmupDurationSecs: String?
        public var warmup: ManifestNode?

        public init(simple: SimpleLB) { self.simple = simple }

        public enum SimpleLB: String, ClosedSetValue {
            case unspecified = "UNSPECIFIED"
            case leastConn = "LEAST_CONN"
            case random = "RANDOM"
            case passthrough = "PASSTHROUGH"
            case roundRobin = "ROUND_ROBIN"
            case leastRequest = "LEAST_REQUEST"
        }
    }

    public struct ConnectionPoolSettings: Codable, Sendable, Hashable {
        public var tcp: TCP?
        public var http: HTTP?

        public struct TCP: Codable, Sendable, Hashable {
            public var maxConnections: Int?
            public var connectTimeout: String?
            public var tcpKeepalive: ManifestNode?
            public var maxConnectionDuration: String?
            public var idleTimeout: String?
        }

        public struct HTTP: Codable, Sendable, Hashable {
            public var http1MaxPendingRequests: Int?
            public var http2MaxRequests: Int?
            public var maxRequestsPerConnection: Int?
            public var maxRetries: Int?
            public var idleTimeout: String?
            public var h2UpgradePolicy: String?
            public var useClientProtocol: Bool?
            public var maxConcurrentStreams: Int?
        }

        func validate(_ v: inout Validator) {
            v.at("tcp", tcp) { v, t in
                v.istioDuration(t.connectTimeout, at: "connectTimeout")
                v.istioDuration(t.maxConnectionDuration, at: "maxConnectionDuration")
                v.istioDuration(t.idleTimeout, at: "idleTimeout")
            }
            v.at("http", http) { v, h in
                v.istioDuration(h.idleTimeout, at: "idleTimeout")
                v.oneOf(h.h2UpgradePolicy, ["DEFAULT", "DO_NOT_UPGRADE", "UPGRADE"], at: "h2UpgradePolicy")
            }
        }
    }

    /// Envoy outlier detection: eject an endpoint after consecutive errors for a growing time.
    public struct OutlierDetection: Codable, Sendable, Hashable {
        public var splitExternalLocalOriginErrors: Bool?
        public var consecutiveLocalOriginFailures: Int?
        public var consecutiveGatewayErrors: Int?
        public var consecutive5xxErrors: Int?
        /// Deprecated alias of consecutiveGatewayErrors semantics in old Istio releases.
        public var consecutiveErrors: Int?
        public var interval: String?
        public var baseEjectionTime: String?
        public var maxEjectionPercent: Int?
        public var minHealthPercent: Int?

        public init(consecutive5xxErrors: Int? = nil, interval: String? = nil, baseEjectionTime: String? = nil, maxEjectionPercent: Int? = nil) {
            self.consecutive5xxErrors = consecutive5xxErrors
            self.interval = interval
            self.baseEjectionTime = baseEjectionTime
            self.maxEjectionPercent = maxEjectionPercent
        }

        func validate(_ v: inout Validator) {
            v.istioDuration(interval, at: "interval")
            v.istioDuration(baseEjectionTime, at: "baseEjectionTime")
            for (key, value) in [("maxEjectionPercent", maxEjectionPercent), ("minHealthPercent", minHealthPercent)] {
                if let value, !(0...100).contains(value) { v.error("a percentage must be from 0 to 100, got \(value)", at: key) }
            }
            for (key, value) in [("consecutiveGatewayErrors", consecutiveGatewayErrors), ("consecutive5xxErrors", consecutive5xxErrors),
                                 ("consecutiveErrors", consecutiveErrors), ("consecutiveLocalOriginFailures", consecutiveLocalOriginFailures)] {
                if let value, value < 0 { v.error("must be 0 or more, got \(value)", at: key) }
            }
        }
    }

    /// TLS the client side originates to the destination.
    public struct ClientTLSSettings: Codable, Sendable, Hashable {
        public var mode: Mode?
        public var clientCertificate: String?
        public var privateKey: String?
        public var caCertificates: String?
        public var credentialName: String?
        public var subjectAltNames: [String]?
        public var sni: String?
        public var insecureSkipVerify: Bool?

        public init(mode: Mode) { self.mode = mode }

        public enum Mode: String, ClosedSetValue {
            case disable = "DISABLE"
            case simple = "SIMPLE"
            case mutual = "MUTUAL"
            case istioMutual = "ISTIO_MUTUAL"
        }
    }
}
