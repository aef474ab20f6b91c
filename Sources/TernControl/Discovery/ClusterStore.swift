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

    /// Applies a batch from a source and republishes if anything changed.
    public func apply(_ events: [SourceEvent]) {
        for event in events {
            switch event {
            case .rejected(let file, let diagnostics): rejected[file] = diagnostics
            case .applied(let object): rejected[object.source.file] = nil
            case .synced: synced = true
            case .deleted: break
            }
        }
        if state.apply(events) { republish() }
    }

    /// True once the source delivered its initial state.
    public var isSynced: Bool { synced }
    public var objectCount: Int { state.count }
    public var snapshot: ClusterState { state }

    private func republish() {
        let destinationIndex = DestinationIndex(state: state, config: config)
        for key in destinations.watchedKeys { destinations.publish(key, destinationIndex.endpoints(for: key)) }
        let outboundIndex = OutboundIndex(state: state, config: config)
        for key in outbound.watchedKeys { outbound.publish(key, outboundIndex.policy(for: key.target, callerNamespace: key.callerNamespace)) }
        let inboundIndex = InboundIndex(state: state, config: config)
        for key in inbound.watchedKeys { inbound.publish(key, inboundIndex.policy(namespace: key.namespace, workload: key.workload, port: key.port)) }
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
        destinations.closeAll()
        outbound.closeAll()
        inbound.closeAll()
    }
}
