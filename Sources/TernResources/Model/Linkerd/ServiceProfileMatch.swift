extension Linkerd.ServiceProfile {
    /// A request condition: method and path regex, combined with `all`, `any` and `not`.
    public struct RequestMatch: Codable, Sendable, Hashable {
        public var all: [RequestMatch]?
        public var any: [RequestMatch]?
        /// Stored boxed: a struct cannot hold an optional of itself directly.
        var notBox: Boxed<RequestMatch>?
        public var pathRegex: String?
        public var method: String?

        enum CodingKeys: String, CodingKey {
            case all, any, notBox = "not", pathRegex, method
        }

        public var not: RequestMatch? {
            get { notBox?.value }
            set { notBox = newValue.map(Boxed.init) }
        }

        public init(all: [RequestMatch]? = nil, any: [RequestMatch]? = nil, not: RequestMatch? = nil, pathRegex: String? = nil, method: String? = nil) {
            self.all = all
            self.any = any
            self.notBox = not.map(Boxed.init)
            self.pathRegex = pathRegex
            self.method = method
        }

        func validate(_ v: inout Validator) {
            if all == nil, any == nil, notBox == nil, pathRegex == nil, method == nil {
                v.error("a condition needs at least one of method, pathRegex, all, any or not")
            }
            v.each("all", all) { v, m in m.validate(&v) }
            v.each("any", any) { v, m in m.validate(&v) }
            v.at("not", not) { v, m in m.validate(&v) }
            v.regex(pathRegex, at: "pathRegex")
            v.httpToken(method, what: "HTTP method", at: "method")
        }
    }

    /// A response condition: a status range, combined with `all`, `any` and `not`.
    public struct ResponseMatch: Codable, Sendable, Hashable {
        public var all: [ResponseMatch]?
        public var any: [ResponseMatch]?
        var notBox: Boxed<ResponseMatch>?
        public var status: StatusRange?

        enum CodingKeys: String, CodingKey {
            case all, any, notBox = "not", status
        }

        public var not: ResponseMatch? {
            get { notBox?.value }
            set { notBox = newValue.map(Boxed.init) }
        }

        public init(all: [ResponseMatch]? = nil, any: [ResponseMatch]? = nil, not: ResponseMatch? = nil, status: StatusRange? = nil) {
            self.all = all
            self.any = any
            self.notBox = not.map(Boxed.init)
            self.status = status
        }

        func validate(_ v: inout Validator) {
            if all == nil, any == nil, notBox == nil, status == nil {
                v.error("a condition needs at least one of status, all, any or not")
            }
            v.each("all", all) { v, m in m.validate(&v) }
            v.each("any", any) { v, m in m.validate(&v) }
            v.at("not", not) { v, m in m.validate(&v) }
            v.at("status", status) { v, s in
                for (key, code) in [("min", s.min), ("max", s.max)] {
                    if let code, !(100...599).contains(code) {
                        v.error("expected an HTTP status from 100 to 599, got \(code)", at: key)
                    }
                }
                if let lo = s.min, let hi = s.max, lo > hi {
                    v.error("min (\(lo)) must not be greater than max (\(hi))", at: "min")
                }
            }
        }
    }

    /// An inclusive HTTP status range; a missing bound is open.
    public struct StatusRange: Codable, Sendable, Hashable {
        public var min: Int?
        public var max: Int?

        public init(min: Int? = nil, max: Int? = nil) {
            self.min = min
            self.max = max
        }
    }
}

/// Gives a recursive optional field a fixed size; encodes and decodes as the value itself.
struct Boxed<Value: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    private let storage: [Value]

    init(_ value: Value) { storage = [value] }

    var value: Value { storage[0] }

    init(from decoder: any Decoder) throws {
        storage = [try decoder.singleValueContainer().decode(Value.self)]
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}
