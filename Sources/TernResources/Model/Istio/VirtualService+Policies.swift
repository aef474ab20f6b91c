extension Istio {
    public struct HTTPRetry: Codable, Sendable, Hashable {
        public var attempts: Int?
        public var perTryTimeout: String?
        /// Comma-separated Envoy retry conditions (`5xx,gateway-error,connect-failure`) and
        /// status codes.
        public var retryOn: String?
        public var retryRemoteLocalities: Bool?

        public init(attempts: Int, perTryTimeout: String? = nil, retryOn: String? = nil) {
            self.attempts = attempts
            self.perTryTimeout = perTryTimeout
            self.retryOn = retryOn
        }
    }

    public struct HTTPFaultInjection: Codable, Sendable, Hashable {
        public var delay: Delay?
        public var abort: Abort?

        public init(delay: Delay? = nil, abort: Abort? = nil) {
            self.delay = delay
            self.abort = abort
        }

        public struct Delay: Codable, Sendable, Hashable {
            public var fixedDelay: String?
            public var exponentialDelay: String?
            public var percentage: Percent?
            /// Legacy whole-number percentage.
            public var percent: Int?

            public init(fixedDelay: String, percentage: Percent? = nil) {
                self.fixedDelay = fixedDelay
                self.percentage = percentage
            }
        }

        public struct Abort: Codable, Sendable, Hashable {
            public var httpStatus: Int?
            public var grpcStatus: String?
            public var http2Error: String?
            public var percentage: Percent?

            public init(httpStatus: Int, percentage: Percent? = nil) {
                self.httpStatus = httpStatus
                self.percentage = percentage
            }
        }

        func validate(_ v: inout Validator) {
            if delay == nil && abort == nil { v.error("a fault needs delay or abort") }
            v.at("delay", delay) { v, d in
                if d.fixedDelay == nil && d.exponentialDelay == nil { v.error("a delay needs fixedDelay", at: "fixedDelay") }
                v.istioDuration(d.fixedDelay, at: "fixedDelay")
                v.istioDuration(d.exponentialDelay, at: "exponentialDelay")
                v.at("percentage", d.percentage) { v, p in p.validate(&v) }
                if let p = d.percent, !(0...100).contains(p) { v.error("a percentage must be from 0 to 100, got \(p)", at: "percent") }
            }
            v.at("abort", abort) { v, a in
                let kinds = [a.httpStatus.map { _ in 1 }, a.grpcStatus.map { _ in 1 }, a.http2Error.map { _ in 1 }].compactMap { $0 }.count
                if kinds != 1 { v.error("an abort needs exactly one of httpStatus, grpcStatus or http2Error") }
                if let s = a.httpStatus, !(200...599).contains(s) { v.error("expected an HTTP status from 200 to 599, got \(s)", at: "httpStatus") }
                v.at("percentage", a.percentage) { v, p in p.validate(&v) }
            }
        }
    }

    public struct HTTPMirrorPolicy: Codable, Sendable, Hashable {
        public var destination: Destination?
        public var percentage: Percent?

        public init(destination: Destination, percentage: Percent? = nil) {
            self.destination = destination
            self.percentage = percentage
        }
    }

    public struct CorsPolicy: Codable, Sendable, Hashable {
        public var allowOrigins: [StringMatch]?
        /// Deprecated exact-origin list.
        public var allowOrigin: [String]?
        public var allowMethods: [String]?
        public var allowHeaders: [String]?
        public var exposeHeaders: [String]?
        public var maxAge: String?
        public var allowCredentials: Bool?
        public var unmatchedPreflights: String?
    }

    /// Header edits on the request (to the destination) or on the response.
    public struct Headers: Codable, Sendable, Hashable {
        public var request: HeaderOperations?
        public var response: HeaderOperations?

        public init(request: HeaderOperations? = nil, response: HeaderOperations? = nil) {
            self.request = request
            self.response = response
        }
    }

    public struct HeaderOperations: Codable, Sendable, Hashable {
        public var set: [String: String]?
        public var add: [String: String]?
        public var remove: [String]?

        public init(set: [String: String]? = nil, add: [String: String]? = nil, remove: [String]? = nil) {
            self.set = set
            self.add = add
            self.remove = remove
        }

        public var isEmpty: Bool { (set ?? [:]).isEmpty && (add ?? [:]).isEmpty && (remove ?? []).isEmpty }
    }
}
