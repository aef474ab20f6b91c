import TernCore

/// Tern's fault-injection extension (docs/fault-injection.md): annotations on a Gateway API
/// HTTPRoute (or GRPCRoute) that make the client-side proxy delay or fail a share of the
/// requests the route handles. Annotations, like Linkerd's `retry.linkerd.io/*` and
/// `timeout.linkerd.io/*`, because they attach to the route without a new CRD and survive
/// tools that copy Gateway API objects. Parsed here so the validator, the migration and the
/// proxy agree on one reading.
public struct FaultInjection: Sendable, Hashable {
    public static let prefix = "fault.tern.io/"
    public static let delayKey = "fault.tern.io/delay"
    public static let delayPercentKey = "fault.tern.io/delay-percent"
    public static let abortHTTPStatusKey = "fault.tern.io/abort-http-status"
    public static let abortGRPCStatusKey = "fault.tern.io/abort-grpc-status"
    public static let abortPercentKey = "fault.tern.io/abort-percent"
    public static let keys = [delayKey, delayPercentKey, abortHTTPStatusKey, abortGRPCStatusKey, abortPercentKey]

    public var delay: GoDuration?
    /// Share of requests delayed, 0–100 (fractions allowed); 100 when not given.
    public var delayPercent: Double
    public var abortHTTPStatus: Int?
    public var abortGRPCStatus: Int?
    /// Share of requests aborted, 0–100; 100 when not given.
    public var abortPercent: Double

    public init(delay: GoDuration? = nil, delayPercent: Double = 100, abortHTTPStatus: Int? = nil, abortGRPCStatus: Int? = nil, abortPercent: Double = 100) {
        self.delay = delay
        self.delayPercent = delayPercent
        self.abortHTTPStatus = abortHTTPStatus
        self.abortGRPCStatus = abortGRPCStatus
        self.abortPercent = abortPercent
    }

    public var isEmpty: Bool { delay == nil && abortHTTPStatus == nil && abortGRPCStatus == nil }

    /// The annotations for this fault, in a stable form (percentages only when below 100).
    public var annotations: [String: String] {
        var out: [String: String] = [:]
        if let delay {
            out[Self.delayKey] = delay.description
            if delayPercent < 100 { out[Self.delayPercentKey] = Self.format(delayPercent) }
        }
        if let s = abortHTTPStatus { out[Self.abortHTTPStatusKey] = "\(s)" }
        if let s = abortGRPCStatus { out[Self.abortGRPCStatusKey] = Self.grpcCodes[s] ?? "\(s)" }
        if abortHTTPStatus != nil || abortGRPCStatus != nil, abortPercent < 100 { out[Self.abortPercentKey] = Self.format(abortPercent) }
        return out
    }

    static func format(_ p: Double) -> String {
        p == p.rounded() ? "\(Int(p))" : "\(p)"
    }

    /// gRPC status names, by code, as `grpc-status` carries them.
    public static let grpcCodes: [Int: String] = [
        1: "CANCELLED", 2: "UNKNOWN", 3: "INVALID_ARGUMENT", 4: "DEADLINE_EXCEEDED", 5: "NOT_FOUND", 6: "ALREADY_EXISTS",
        7: "PERMISSION_DENIED", 8: "RESOURCE_EXHAUSTED", 9: "FAILED_PRECONDITION", 10: "ABORTED", 11: "OUT_OF_RANGE",
        12: "UNIMPLEMENTED", 13: "INTERNAL", 14: "UNAVAILABLE", 15: "DATA_LOSS", 16: "UNAUTHENTICATED",
    ]

    public static func grpcCode(named name: String) -> Int? {
        if let n = Int(name), (0...16).contains(n) { return n }
        return grpcCodes.first { $0.value == name.uppercased() }?.key
    }

    /// Reads the `fault.tern.io/*` annotations; returns the fault and the problems found
    /// (each as `key: message`). Unknown keys under the prefix are problems too.
    public static func parse(_ annotations: [String: String]) -> (fault: FaultInjection, problems: [(key: String, message: String)]) {
        var fault = FaultInjection()
        var problems: [(String, String)] = []
        for key in annotations.keys.sorted() where key.hasPrefix(prefix) && !keys.contains(key) {
            problems.append((key, "unknown fault annotation; expected one of \(keys.joined(separator: ", "))"))
        }
        if let text = annotations[delayKey] {
            do { fault.delay = try GoDuration(parsing: text) } catch { problems.append((delayKey, "expected a duration such as 5s or 250ms, got \"\(text)\"")) }
        }
        if let text = annotations[abortHTTPStatusKey] {
            if let s = Int(text), (200...599).contains(s) { fault.abortHTTPStatus = s } else { problems.append((abortHTTPStatusKey, "expected an HTTP status from 200 to 599, got \"\(text)\"")) }
        }
        if let text = annotations[abortGRPCStatusKey] {
            if let c = grpcCode(named: text) { fault.abortGRPCStatus = c } else { problems.append((abortGRPCStatusKey, "expected a gRPC status name (UNAVAILABLE) or code 0–16, got \"\(text)\"")) }
        }
        if fault.abortHTTPStatus != nil && fault.abortGRPCStatus != nil {
            problems.append((abortGRPCStatusKey, "set \(abortHTTPStatusKey) or \(abortGRPCStatusKey), not both"))
        }
        for (key, isDelay) in [(delayPercentKey, true), (abortPercentKey, false)] {
            guard let text = annotations[key] else { continue }
            guard let p = Double(text), (0...100).contains(p) else {
                problems.append((key, "expected a percentage from 0 to 100, got \"\(text)\""))
                continue
            }
            if isDelay { fault.delayPercent = p } else { fault.abortPercent = p }
            let partner = isDelay ? fault.delay != nil || annotations[delayKey] != nil : annotations[abortHTTPStatusKey] != nil || annotations[abortGRPCStatusKey] != nil
            if !partner { problems.append((key, "a percentage needs the fault it scales (\(isDelay ? delayKey : "\(abortHTTPStatusKey) or \(abortGRPCStatusKey)"))")) }
        }
        return (fault, problems)
    }
}

extension Validator {
    /// Checks `fault.tern.io/*` annotations of a route; call from the route's `validate`.
    public mutating func faultAnnotations(_ annotations: [String: String]?) {
        guard let annotations, annotations.keys.contains(where: { $0.hasPrefix(FaultInjection.prefix) }) else { return }
        let problems = FaultInjection.parse(annotations).problems
        guard !problems.isEmpty else { return }
        at("metadata") { v in
            v.at("annotations") { v in
                for (key, message) in problems { v.error(message, at: key) }
            }
        }
    }
}
