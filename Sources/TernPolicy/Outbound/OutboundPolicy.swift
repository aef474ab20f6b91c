import TernCore

/// How a proxy should treat traffic to one logical destination (a Service port): whether it is
/// opaque, and the routes, backends, timeouts, retries and failure accrual that apply.
public struct OutboundPolicy: Hashable, Sendable, Codable {
    public enum AppProtocol: String, Hashable, Sendable, Codable {
        case detect, http1, http2, grpc, opaque
    }

    public var appProtocol: AppProtocol
    /// Routes in precedence order: the first that matches a request wins.
    public var routes: [OutboundRoute]
    public var failureAccrual: FailureAccrual?
    /// `parent_*` labels: the Service (kind, namespace, name, port) the policy belongs to.
    public var parentKind: String
    public var parentNamespace: String
    public var parentName: String
    public var parentPort: Int

    public init(appProtocol: AppProtocol, routes: [OutboundRoute], failureAccrual: FailureAccrual? = nil,
                parentKind: String = "Service", parentNamespace: String, parentName: String, parentPort: Int) {
        self.appProtocol = appProtocol
        self.routes = routes
        self.failureAccrual = failureAccrual
        self.parentKind = parentKind
        self.parentNamespace = parentNamespace
        self.parentName = parentName
        self.parentPort = parentPort
    }

    public var isOpaque: Bool { appProtocol == .opaque }
}

/// One route: what it matches and where matching requests go.
public struct OutboundRoute: Hashable, Sendable, Codable {
    /// Where the route came from: `HTTPRoute`, `GRPCRoute`, `ServiceProfile` or `default`.
    public var kind: String
    public var namespace: String
    public var name: String
    public var matches: [HTTPMatch]
    public var filters: [RouteFilter]
    public var backends: [Backend]
    public var timeouts: RouteTimeouts
    public var retry: RetryPolicy?
    /// Tern's fault-injection extension; nil when the route injects none.
    public var fault: FaultInjection?
    /// ServiceProfile response classes: which statuses count as failures.
    public var failureStatuses: [StatusRange]

    public init(kind: String, namespace: String, name: String, matches: [HTTPMatch] = [HTTPMatch(path: .prefix("/"))],
                filters: [RouteFilter] = [], backends: [Backend], timeouts: RouteTimeouts = RouteTimeouts(),
                retry: RetryPolicy? = nil, fault: FaultInjection? = nil, failureStatuses: [StatusRange] = []) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.matches = matches
        self.filters = filters
        self.backends = backends
        self.timeouts = timeouts
        self.retry = retry
        self.fault = fault
        self.failureStatuses = failureStatuses
    }
}

/// A weighted destination of a route.
public struct Backend: Hashable, Sendable, Codable {
    public enum Target: Hashable, Sendable, Codable {
        /// A Service, resolved through the destination API (`name.namespace.svc.<domain>:port`).
        case service(name: String, namespace: String, port: Int)
        /// A fixed address, for destinations the control plane does not know.
        case address(host: String, port: Int)
    }

    public var target: Target
    public var weight: UInt32
    public var filters: [RouteFilter]

    public init(target: Target, weight: UInt32 = 1, filters: [RouteFilter] = []) {
        self.target = target
        self.weight = weight
        self.filters = filters
    }
}

public enum RouteFilter: Hashable, Sendable, Codable {
    case requestHeaders(HeaderModifier)
    case responseHeaders(HeaderModifier)
    case redirect(scheme: String?, hostname: String?, path: PathRewrite?, port: Int?, statusCode: Int)
    case rewrite(hostname: String?, path: PathRewrite?)
    case mirror(Backend.Target)
}

public struct HeaderModifier: Hashable, Sendable, Codable {
    public var set: [String: String]
    public var add: [String: String]
    public var remove: [String]

    public init(set: [String: String] = [:], add: [String: String] = [:], remove: [String] = []) {
        self.set = set
        self.add = add
        self.remove = remove
    }
}

public enum PathRewrite: Hashable, Sendable, Codable {
    case full(String)
    case prefix(String)
}

public struct RouteTimeouts: Hashable, Sendable, Codable {
    /// Whole request, retries included.
    public var request: GoDuration?
    /// Each attempt to a backend.
    public var backendRequest: GoDuration?

    public init(request: GoDuration? = nil, backendRequest: GoDuration? = nil) {
        self.request = request
        self.backendRequest = backendRequest
    }
}

public struct StatusRange: Hashable, Sendable, Codable {
    public var min: Int
    public var max: Int

    public init(min: Int, max: Int) {
        self.min = min
        self.max = max
    }

    public func contains(_ status: Int) -> Bool { (min...max).contains(status) }
}

public struct RetryPolicy: Hashable, Sendable, Codable {
    public var limit: Int
    /// Per-attempt timeout.
    public var timeout: GoDuration?
    public var statuses: [StatusRange]
    public var grpcCodes: [String]
    public var budget: RetryBudget?

    public init(limit: Int, timeout: GoDuration? = nil, statuses: [StatusRange] = [StatusRange(min: 500, max: 599)],
                grpcCodes: [String] = [], budget: RetryBudget? = nil) {
        self.limit = limit
        self.timeout = timeout
        self.statuses = statuses
        self.grpcCodes = grpcCodes
        self.budget = budget
    }
}

/// Linkerd's retry budget: retries may add at most `ratio` of the request rate, with a floor.
public struct RetryBudget: Hashable, Sendable, Codable {
    public var ratio: Double
    public var minPerSecond: UInt32
    public var ttl: GoDuration

    public init(ratio: Double = 0.2, minPerSecond: UInt32 = 10, ttl: GoDuration = .seconds(10)) {
        self.ratio = ratio
        self.minPerSecond = minPerSecond
        self.ttl = ttl
    }
}

/// Consecutive-failure accrual: after `consecutiveFailures`, an endpoint is benched with
/// jittered exponential backoff between the penalties.
public struct FailureAccrual: Hashable, Sendable, Codable {
    public var consecutiveFailures: Int
    public var minPenalty: GoDuration
    public var maxPenalty: GoDuration
    public var jitterRatio: Double

    public init(consecutiveFailures: Int = 7, minPenalty: GoDuration = .seconds(1), maxPenalty: GoDuration = .seconds(60), jitterRatio: Double = 0.5) {
        self.consecutiveFailures = consecutiveFailures
        self.minPenalty = minPenalty
        self.maxPenalty = maxPenalty
        self.jitterRatio = jitterRatio
    }
}

/// Tern's fault injection (docs/fault-injection.md): delay and/or abort a share of requests,
/// applied by the client's proxy after the route matched.
public struct FaultInjection: Hashable, Sendable, Codable {
    public var delay: GoDuration?
    /// 0–100.
    public var delayPercent: Double
    /// HTTP status to answer with instead of forwarding.
    public var abortStatus: Int?
    /// gRPC status code to answer gRPC requests with (trailers-only).
    public var abortGRPCStatus: Int?
    /// 0–100.
    public var abortPercent: Double

    public init(delay: GoDuration? = nil, delayPercent: Double = 100, abortStatus: Int? = nil, abortGRPCStatus: Int? = nil, abortPercent: Double = 100) {
        self.delay = delay
        self.delayPercent = delayPercent
        self.abortStatus = abortStatus
        self.abortGRPCStatus = abortGRPCStatus
        self.abortPercent = abortPercent
    }
}
