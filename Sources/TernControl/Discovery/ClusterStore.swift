import TernCore
import TernPolicy
import TernResources

/// Owns the controller's view of the cluster. Sources apply event batches; after each change
/// the store recomputes what every watched key resolves to and publishes it: watchers see
/// one update per effective change and nothing for a recomputation that changed nothing.
public actor ClusterStore {
    public let config: MeshConfig
    private var state = ClusterState()
    private var synced = false
    /// Watches that arrived before the source's initial state: answering them from a partial
    /// view would tell a proxy a service has no endpoints while it has.
    private var waitingForSync: [CheckedContinuation<Void, Never>] = []

    public let destinations = WatchHub<DestinationTarget, EndpointSet>()
    public let outbound = WatchHub<OutboundKey, OutboundPolicy?>()
    public let inbound = WatchHub<InboundKey, InboundPolicy>()

    /// The last rejected file per path, for diagnostics and readiness.
    public private(set) var rejected: [String: [Diagnostic]] = [:]

    public init(config: MeshConfig = MeshConfig(), synced: Bool = false) {
        self.config = config
        self.synced = synced
    }

    public struct OutboundKey: Hashable, Sendable {
        public var target: DestinationTarget
        public var callerNamespace: String?

        public init(target: DestinationTarget, callerNamespace: String?) {
            self.target = target
            self.callerNamespace = callerNamespace
        }
    }

    public struct InboundKey: Hashable, Sendable {
        public var namespace: String
        public var workload: String
        public var port: Int

        public init(namespace: String, workload: String, port: Int) {
            self.namespace = namespace
            self.workload = workload
            self.port = port
        }
    }

    /// Applies a batch from a source and republishes what the change can affect.
    public func apply(_ events: [SourceEvent]) {
        var affected: Set<String> = []
        for event in events {
            switch event {
            case .rejected(let file, let diagnostics): rejected[file] = diagnostics
            case .applied(let object):
                rejected[object.source.file] = nil
                affected.insert(Self.scope(of: object.key))
            case .deleted(let key): affected.insert(Self.scope(of: key))
            case .synced: synced = true
            }
        }
        if state.apply(events) { republish(affecting: affected) }
        if synced { releaseWaiters() }
    }

    /// The namespace an object's change can affect: its own, or for a Namespace, the one it is.
    static func scope(of key: ObjectKey) -> String {
        key.type == Namespace.typeKey ? key.name : key.namespace
    }

    /// True once the source delivered its initial state.
    public var isSynced: Bool { synced }

    /// Returns once the source delivered its initial state (or the store is closing).
    public func waitUntilSynced() async {
        guard !synced else { return }
        await withCheckedContinuation { waitingForSync.append($0) }
    }

    private func releaseWaiters() {
        let waiting = waitingForSync
        waitingForSync = []
        for waiter in waiting { waiter.resume() }
    }
    public var objectCount: Int { state.count }
    public var snapshot: ClusterState { state }

    /// Recomputes the watched keys a change in `namespaces` can affect: names in those
    /// namespaces, consumers in them, and every address key (an IP may be any service's).
    /// Watchers of unchanged values are sent nothing (the hubs compare).
    private func republish(affecting namespaces: Set<String>) {
        func touched(_ target: DestinationTarget) -> Bool {
            switch target {
            case .service(let ns, _, _): return namespaces.contains(ns)
            case .address: return true
            }
        }
        // Indexes are built only for hubs with an affected watcher.
        let destinationKeys = destinations.watchedKeys.filter(touched)
        if !destinationKeys.isEmpty {
            let index = DestinationIndex(state: state, config: config)
            for key in destinationKeys { destinations.publish(key, index.endpoints(for: key)) }
        }
        let outboundKeys = outbound.watchedKeys.filter { touched($0.target) || $0.callerNamespace.map(namespaces.contains) == true }
        if !outboundKeys.isEmpty {
            let index = OutboundIndex(state: state, config: config)
            for key in outboundKeys { outbound.publish(key, index.policy(for: key.target, callerNamespace: key.callerNamespace)) }
        }
        let inboundKeys = inbound.watchedKeys.filter { namespaces.contains($0.namespace) }
        if !inboundKeys.isEmpty {
            let index = InboundIndex(state: state, config: config)
            for key in inboundKeys { inbound.publish(key, index.policy(namespace: key.namespace, workload: key.workload, port: key.port)) }
        }
    }

    public func watchDestination(_ target: DestinationTarget) -> WatchHub<DestinationTarget, EndpointSet>.Watch {
        let state = self.state, config = self.config
        return destinations.watch(target) { DestinationIndex(state: state, config: config).endpoints(for: target) }
    }

    public func watchOutbound(_ key: OutboundKey) -> WatchHub<OutboundKey, OutboundPolicy?>.Watch {
        let state = self.state, config = self.config
        return outbound.watch(key) { OutboundIndex(state: state, config: config).policy(for: key.target, callerNamespace: key.callerNamespace) }
    }

    public func watchInbound(_ key: InboundKey) -> WatchHub<InboundKey, InboundPolicy>.Watch {
        let state = self.state, config = self.config
        return inbound.watch(key) { InboundIndex(state: state, config: config).policy(namespace: key.namespace, workload: key.workload, port: key.port) }
    }

    /// Ends every stream (controller shutdown); proxies reconnect to the next controller.
    public func closeAll() {
        releaseWaiters()
        destinations.closeAll()
        outbound.closeAll()
        inbound.closeAll()
    }
}
