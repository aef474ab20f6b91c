import TernCore
import TernPolicy

// Outbound policy messages ↔ TernPolicy values. `known` is false for a target the controller
// does not know; the domain value is then nil and the proxy forwards as is.

extension Tern_Policy_V1_OutboundPolicy {
    public init(_ policy: OutboundPolicy?) {
        self.init()
        guard let policy else { known = false; return }
        known = true
        switch policy.appProtocol {
        case .detect: self.protocol = .detect
        case .http1: self.protocol = .http1
        case .http2: self.protocol = .http2
        case .grpc: self.protocol = .grpc
        case .opaque: self.protocol = .opaque
        }
        routes = policy.routes.map(Tern_Policy_V1_OutboundRoute.init)
        if let fa = policy.failureAccrual {
            var f = Tern_Policy_V1_FailureAccrual()
            f.consecutiveFailures = UInt32(fa.consecutiveFailures)
            f.minPenalty = .init(fa.minPenalty)
            f.maxPenalty = .init(fa.maxPenalty)
            f.jitterRatio = fa.jitterRatio
            failureAccrual = f
        }
        parentKind = policy.parentKind
        parentNamespace = policy.parentNamespace
        parentName = policy.parentName
        parentPort = UInt32(policy.parentPort)
    }

    public func domain() throws(AdapterError) -> OutboundPolicy? {
        guard known else { return nil }
        let proto: OutboundPolicy.AppProtocol
        switch self.protocol {
        case .detect: proto = .detect
        case .http1: proto = .http1
        case .http2: proto = .http2
        case .grpc: proto = .grpc
        case .opaque: proto = .opaque
        case .UNRECOGNIZED(let n): throw .invalid("unknown outbound protocol \(n)")
        }
        let accrual: FailureAccrual? = hasFailureAccrual ? FailureAccrual(
            consecutiveFailures: Int(failureAccrual.consecutiveFailures), minPenalty: try failureAccrual.minPenalty.domain(),
            maxPenalty: try failureAccrual.maxPenalty.domain(), jitterRatio: failureAccrual.jitterRatio) : nil
        return OutboundPolicy(appProtocol: proto, routes: try routes.map { r throws(AdapterError) in try r.domain() }, failureAccrual: accrual,
                              parentKind: parentKind, parentNamespace: parentNamespace, parentName: parentName, parentPort: Int(parentPort))
    }
}

extension Tern_Policy_V1_OutboundRoute {
    init(_ r: OutboundRoute) {
        self.init()
        kind = r.kind
        namespace = r.namespace
        name = r.name
        matches = r.matches.map(Tern_Policy_V1_HttpMatch.init)
        filters = r.filters.map(Tern_Policy_V1_Filter.init)
        backends = r.backends.map(Tern_Policy_V1_Backend.init)
        if let t = r.timeouts.request { requestTimeout = .init(t) }
        if let t = r.timeouts.backendRequest { backendRequestTimeout = .init(t) }
        if let retry = r.retry {
            var out = Tern_Policy_V1_Retry()
            out.limit = UInt32(retry.limit)
            if let t = retry.timeout { out.timeout = .init(t) }
            out.statuses = retry.statuses.map(Tern_Policy_V1_StatusRange.init)
            out.grpcCodes = retry.grpcCodes
            if let b = retry.budget {
                var budget = Tern_Policy_V1_Retry.Budget()
                budget.ratio = b.ratio
                budget.minPerSecond = b.minPerSecond
                budget.ttl = .init(b.ttl)
                out.budget = budget
            }
            self.retry = out
        }
        if let f = r.fault {
            var out = Tern_Policy_V1_Fault()
            if let d = f.delay { out.delay = .init(d) }
            out.delayPercent = f.delayPercent
            out.abortStatus = UInt32(f.abortStatus ?? 0)
            out.abortPercent = f.abortPercent
            if let code = f.abortGRPCStatus { out.abortGrpcStatus = UInt32(code) }
            fault = out
        }
        failureStatuses = r.failureStatuses.map(Tern_Policy_V1_StatusRange.init)
    }

    func domain() throws(AdapterError) -> OutboundRoute {
        let retryPolicy: RetryPolicy? = hasRetry ? RetryPolicy(
            limit: Int(retry.limit), timeout: retry.hasTimeout ? try retry.timeout.domain() : nil,
            statuses: retry.statuses.map { StatusRange(min: Int($0.min), max: Int($0.max)) }, grpcCodes: retry.grpcCodes,
            budget: retry.hasBudget ? RetryBudget(ratio: retry.budget.ratio, minPerSecond: retry.budget.minPerSecond, ttl: try retry.budget.ttl.domain()) : nil
        ) : nil
        let faultInjection: FaultInjection? = hasFault ? FaultInjection(
            delay: fault.hasDelay ? try fault.delay.domain() : nil, delayPercent: fault.delayPercent,
            abortStatus: fault.abortStatus == 0 ? nil : Int(fault.abortStatus),
            abortGRPCStatus: fault.hasAbortGrpcStatus ? Int(fault.abortGrpcStatus) : nil, abortPercent: fault.abortPercent
        ) : nil
        return OutboundRoute(
            kind: kind, namespace: namespace, name: name,
            matches: try matches.map { m throws(AdapterError) in try m.domain() },
            filters: try filters.map { f throws(AdapterError) in try f.domain() },
            backends: try backends.map { b throws(AdapterError) in try b.domain() },
            timeouts: RouteTimeouts(request: hasRequestTimeout ? try requestTimeout.domain() : nil,
                                    backendRequest: hasBackendRequestTimeout ? try backendRequestTimeout.domain() : nil),
            retry: retryPolicy, fault: faultInjection,
            failureStatuses: failureStatuses.map { StatusRange(min: Int($0.min), max: Int($0.max)) })
    }
}

extension Tern_Policy_V1_StatusRange {
    init(_ r: StatusRange) {
        self.init()
        min = UInt32(r.min)
        max = UInt32(r.max)
    }
}

extension Tern_Policy_V1_Backend {
    init(_ b: Backend) {
        self.init()
        setTarget(b.target)
        weight = b.weight
        filters = b.filters.map(Tern_Policy_V1_Filter.init)
    }

    init(target: Backend.Target) {
        self.init()
        setTarget(target)
    }

    private mutating func setTarget(_ t: Backend.Target) {
        switch t {
        case .service(let name, let namespace, let port):
            var s = ServiceRef()
            s.name = name
            s.namespace = namespace
            s.port = UInt32(port)
            target = .service(s)
        case .address(let host, let port):
            var a = AddressRef()
            a.host = host
            a.port = UInt32(port)
            target = .address(a)
        }
    }

    func domainTarget() throws(AdapterError) -> Backend.Target {
        switch target {
        case .service(let s)?: return .service(name: s.name, namespace: s.namespace, port: Int(s.port))
        case .address(let a)?: return .address(host: a.host, port: Int(a.port))
        case nil: throw .invalid("backend has no target")
        }
    }

    func domain() throws(AdapterError) -> Backend {
        Backend(target: try domainTarget(), weight: weight, filters: try filters.map { f throws(AdapterError) in try f.domain() })
    }
}

extension Tern_Policy_V1_Filter {
    typealias ProtoHeaders = Tern_Policy_V1_Filter.HeaderModifier
    typealias ProtoPath = Tern_Policy_V1_Filter.PathRewrite

    init(_ f: RouteFilter) {
        self.init()
        switch f {
        case .requestHeaders(let m): kind = .requestHeaders(Self.proto(m))
        case .responseHeaders(let m): kind = .responseHeaders(Self.proto(m))
        case .redirect(let scheme, let hostname, let p, let port, let status):
            var r = Redirect()
            r.scheme = scheme ?? ""
            r.hostname = hostname ?? ""
            if let rewritten = Self.proto(p) { r.path = rewritten }
            r.port = UInt32(port ?? 0)
            r.statusCode = UInt32(status)
            kind = .redirect(r)
        case .rewrite(let hostname, let p):
            var r = Rewrite()
            r.hostname = hostname ?? ""
            if let rewritten = Self.proto(p) { r.path = rewritten }
            kind = .rewrite(r)
        case .mirror(let target):
            kind = .mirror(Tern_Policy_V1_Backend(target: target))
        }
    }

    static func proto(_ m: TernPolicy.HeaderModifier) -> ProtoHeaders {
        var out = ProtoHeaders()
        out.set = m.set
        out.add = m.add
        out.remove = m.remove
        return out
    }

    static func proto(_ p: TernPolicy.PathRewrite?) -> ProtoPath? {
        guard let p else { return nil }
        var out = ProtoPath()
        switch p {
        case .full(let s): out.kind = .full(s)
        case .prefix(let s): out.kind = .prefix(s)
        }
        return out
    }

    static func domain(_ m: ProtoHeaders) -> TernPolicy.HeaderModifier {
        TernPolicy.HeaderModifier(set: m.set, add: m.add, remove: m.remove)
    }

    static func domain(_ has: Bool, _ p: ProtoPath) -> TernPolicy.PathRewrite? {
        guard has else { return nil }
        switch p.kind {
        case .full(let s)?: return .full(s)
        case .prefix(let s)?: return .prefix(s)
        case nil: return nil
        }
    }

    func domain() throws(AdapterError) -> RouteFilter {
        switch kind {
        case .requestHeaders(let m)?: return .requestHeaders(Self.domain(m))
        case .responseHeaders(let m)?: return .responseHeaders(Self.domain(m))
        case .redirect(let r)?:
            return .redirect(scheme: r.scheme.isEmpty ? nil : r.scheme, hostname: r.hostname.isEmpty ? nil : r.hostname,
                             path: Self.domain(r.hasPath, r.path), port: r.port == 0 ? nil : Int(r.port), statusCode: Int(r.statusCode))
        case .rewrite(let r)?:
            return .rewrite(hostname: r.hostname.isEmpty ? nil : r.hostname, path: Self.domain(r.hasPath, r.path))
        case .mirror(let b)?:
            return .mirror(try b.domainTarget())
        case nil:
            throw .invalid("filter has no kind")
        }
    }
}
