import FoundationEssentials
import Synchronization

/// The certifier's metrics, named as linkerd2-proxy names them so existing dashboards and
/// alerts work. The admin server renders them with `render()`.
public final class IdentityMetrics: Sendable {
    private struct State {
        var expiration: Double?
        var lastRefresh: Double?
        var refreshes: [String: UInt64] = ["ok": 0, "failure": 0]
    }

    private let state = Mutex(State())

    public init() {}

    func recordSuccess(validUntil: Date, at now: Date) {
        state.withLock {
            $0.expiration = validUntil.timeIntervalSince1970
            $0.lastRefresh = now.timeIntervalSince1970
            $0.refreshes["ok", default: 0] += 1
        }
    }

    func recordFailure() {
        state.withLock { $0.refreshes["failure", default: 0] += 1 }
    }

    public func refreshes(result: String) -> UInt64 { state.withLock { $0.refreshes[result, default: 0] } }

    public var expirationTimestamp: Double? { state.withLock { $0.expiration } }

    /// Prometheus text exposition. Gauges are omitted until a certificate exists, so "no value"
    /// is distinguishable from "expires at the epoch".
    public func render() -> String {
        let s = state.withLock { $0 }
        var out = ""
        out += "# HELP control_identity_cert_expiration_timestamp_seconds Time when this proxy's current mTLS identity certificate will expire (in seconds since the UNIX epoch).\n"
        out += "# TYPE control_identity_cert_expiration_timestamp_seconds gauge\n"
        if let e = s.expiration { out += "control_identity_cert_expiration_timestamp_seconds \(Int64(e))\n" }
        out += "# HELP control_identity_cert_refresh_timestamp_seconds Time when this proxy last obtained an mTLS identity certificate (in seconds since the UNIX epoch).\n"
        out += "# TYPE control_identity_cert_refresh_timestamp_seconds gauge\n"
        if let r = s.lastRefresh { out += "control_identity_cert_refresh_timestamp_seconds \(Int64(r))\n" }
        out += "# HELP control_identity_cert_refreshes_total The total number of identity certificate refresh attempts.\n"
        out += "# TYPE control_identity_cert_refreshes_total counter\n"
        for result in s.refreshes.keys.sorted() {
            out += "control_identity_cert_refreshes_total{result=\"\(result)\"} \(s.refreshes[result]!)\n"
        }
        return out
    }
}
