import Synchronization
import TernPolicy

/// The live outbound policy of one target, shared by every connection to it. The policy
/// watch replaces the value whenever the control plane sends a new one; readers on event
/// loops take it under a lock held only for a copy, so the hot path never awaits.
///
/// `current` is nil when there is no policy to apply: the target is not a Service the
/// controller knows, the controller has not answered (yet), or it refused the target. The
/// caller then sends the request to the destination it discovered, as without policy. A
/// policy once known is kept when the controller goes away.
public final class PolicyHandle: Sendable {
    private struct State {
        var policy: OutboundPolicy?
        /// Drawn from under the same lock as the policy, per request on event loops; a
        /// system random call per draw would cost a syscall on some platforms.
        var random: BalancerRandom
    }

    /// The target as asked for (`10.96.0.10:80`, `color.faces.svc.cluster.local:80`).
    public let target: String
    private let state: Mutex<State>

    init(target: String, random: BalancerRandom = BalancerRandom()) {
        self.target = target
        self.state = Mutex(State(policy: nil, random: random))
    }

    /// The policy now (see the type's comment for nil).
    public var current: OutboundPolicy? { state.withLock { $0.policy } }

    /// A backend of `route` drawn by weight (`BackendSplit.pick`); nil when the route has no
    /// backend with a weight, and the caller answers 500.
    public func pickBackend(of route: OutboundRoute) -> Backend? {
        state.withLock { BackendSplit.pick(from: route.backends, using: &$0.random) }
    }

    func replace(with policy: OutboundPolicy?) {
        state.withLock { $0.policy = policy }
    }
}
