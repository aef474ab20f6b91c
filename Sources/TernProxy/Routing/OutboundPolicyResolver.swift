import Logging
import ServiceLifecycle
import X509

/// Outbound policy for the proxy: turns a destination (an original address or an authority)
/// into a live `PolicyHandle`, through one `OutboundPolicies.Watch` stream per target shared by
/// every caller.
///
/// A warm `policy(for:)` is a dictionary lookup under a lock and never waits or does I/O;
/// only the first caller(s) of a target wait, up to `firstAnswerTimeout`. All streams run
/// inside `run()` (which owns the gRPC client), so graceful shutdown ends them all.
public final class OutboundPolicyResolver: Sendable, ServiceLifecycle.Service {
    public let address: HostPort
    private let serverName: String?
    private let trustAnchors: [Certificate]?
    private let caller: CallerIdentity
    private let logger: Logger
    private let firstAnswerTimeout: Duration
    private let watches: WatchTable<PolicyWatch>

    /// `address`: the policy service (ProxyConfig.policyAddress). `trustAnchors` nil:
    /// plaintext (loopback testing). Otherwise TLS, and the controller must present a
    /// certificate for `serverName` that chains to the anchors. `caller.namespace` selects the
    /// consumer routes that apply to this proxy.
    public init(address: HostPort, serverName: String?, trustAnchors: [Certificate]?, caller: CallerIdentity, logger: Logger,
                firstAnswerTimeout: Duration = .seconds(2), idleTimeout: Duration = .seconds(300)) {
        self.address = address
        self.serverName = serverName
        self.trustAnchors = trustAnchors
        self.caller = caller
        self.logger = logger
        self.firstAnswerTimeout = firstAnswerTimeout
        watches = WatchTable(subject: "outbound policy", idleTimeout: idleTimeout, logger: logger)
    }

    /// `target`: the same text the destination resolver is asked about ("10.96.0.10:80",
    /// "[fd00::1]:80" or "web.ns.svc.cluster.local:80", i.e. `OutboundTarget.discoveryPath`).
    /// Targets are used as given: callers pass one spelling per destination so they share one
    /// stream. The handle is the same object for every caller while the target is watched.
    public func policy(for target: String) async -> PolicyHandle {
        // Stopped: an empty handle nobody will fill (no policy, as with no controller).
        guard let watch = watches.watch(for: target, make: { PolicyWatch(target: $0) }) else {
            return PolicyHandle(target: target)
        }
        await watch.answer(within: firstAnswerTimeout)
        return watch.handle
    }

    /// The handle of a target already watched, without suspending: the per-request fast path.
    /// Counts as a use, so a busy target's watch is never evicted. Nil for a new target (then
    /// call `policy(for:)`, which waits for the first answer).
    public func cachedPolicy(for target: String) -> PolicyHandle? {
        watches.existing(target)?.handle
    }

    /// The targets watched now (diagnostics, tests).
    public var watchedTargets: [String] { watches.keys }

    /// Owns the gRPC client and every watch; returns on graceful shutdown (or cancellation).
    /// Meant to run once.
    public func run() async throws {
        let grpc = try DestinationClient.makeGRPCClient(address: address, serverName: serverName, trustAnchors: trustAnchors)
        try await watches.run(connections: grpc, client: OutboundPolicyClient(grpc: grpc, caller: caller))
        logger.debug("outbound policy resolver stopped")
    }
}

extension PolicyWatch: SharedWatch {
    var key: String { target }
}
