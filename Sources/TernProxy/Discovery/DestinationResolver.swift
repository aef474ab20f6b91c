import Logging
import ServiceLifecycle
import X509

/// Service discovery for the outbound side: turns a connection's destination (an original
/// address or an authority) into a live endpoint pool, through one `Destination.Get` stream
/// per path shared by every caller.
///
/// A warm `resolve` is a dictionary lookup under a lock and never waits or does I/O; only the
/// first caller(s) of a path wait, up to `firstAnswerTimeout`. All streams run inside `run()`
/// (which owns the gRPC client), so graceful shutdown ends them all.
public final class DestinationResolver: Sendable, ServiceLifecycle.Service {
    public let address: HostPort
    private let serverName: String?
    private let trustAnchors: [Certificate]?
    private let caller: CallerIdentity
    private let logger: Logger
    private let firstAnswerTimeout: Duration
    private let watches: WatchTable<DestinationWatch>

    /// `trustAnchors` nil: plaintext (loopback testing). Otherwise TLS, and the controller
    /// must present a certificate for `serverName` (TERN_PROXY_DESTINATION_SVC_NAME) that
    /// chains to the anchors.
    public init(address: HostPort, serverName: String?, trustAnchors: [Certificate]?, caller: CallerIdentity, logger: Logger,
                firstAnswerTimeout: Duration = .seconds(2), idleTimeout: Duration = .seconds(300)) {
        self.address = address
        self.serverName = serverName
        self.trustAnchors = trustAnchors
        self.caller = caller
        self.logger = logger
        self.firstAnswerTimeout = firstAnswerTimeout
        watches = WatchTable(subject: "destination", idleTimeout: idleTimeout, logger: logger)
    }

    /// `path`: "10.0.0.1:80", "[fd00::1]:80" (original destination) or an authority
    /// "web.ns.svc.cluster.local:80" (explicit mode). Paths are used as given: callers pass
    /// one spelling per destination so they share one stream.
    public func resolve(_ path: String) async -> Resolution {
        guard let watch = watches.watch(for: path, make: { DestinationWatch(path: $0) }) else { return .unknown }
        if let answer = watch.currentResolution { return answer }
        return await watch.answer(within: firstAnswerTimeout)
    }

    /// The answer for a path already watched and answered, without suspending: the per-request
    /// fast path of HTTP routing. Counts as a use, so a busy path's watch is never evicted.
    /// Nil when the path is new or still waiting for its first answer (then call `resolve`).
    public func resolveCached(_ path: String) -> Resolution? {
        watches.existing(path)?.currentResolution
    }

    /// The paths watched now (diagnostics, tests).
    public var watchedPaths: [String] { watches.keys }

    /// Owns the gRPC client and every watch; returns on graceful shutdown (or cancellation).
    /// Meant to run once.
    public func run() async throws {
        let grpc = try DestinationClient.makeGRPCClient(address: address, serverName: serverName, trustAnchors: trustAnchors)
        try await watches.run(connections: grpc, client: DestinationClient(grpc: grpc, caller: caller))
        logger.debug("destination resolver stopped")
    }
}

extension DestinationWatch: SharedWatch {
    var key: String { path }
}
