import TernTLS

/// What `GET /ready` reports. The reason tells an operator reading a failed probe what the
/// proxy is waiting for.
public enum Readiness: Sendable, Equatable {
    case ready
    case notReady(reason: String)
}

public typealias ReadinessCheck = @Sendable () -> Readiness

extension Readiness {
    /// Ready once the proxy holds a certificate (DESIGN §4); an unmeshed proxy, with no
    /// credentials to wait for, is ready at once.
    public static func certificateHeld(_ credentials: MeshCredentials?) -> ReadinessCheck {
        guard let credentials else { return { .ready } }
        return {
            credentials.current != nil
                ? .ready : .notReady(reason: "no identity certificate yet: waiting for the identity service")
        }
    }
}
