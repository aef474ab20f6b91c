import GRPCCore
import Logging
import ServiceLifecycle
import TernResources

/// The destination and policy half of the controller, assembled from its configuration: a
/// store fed by the source, the two gRPC APIs, and the admin port. `tern-controller` adds the
/// identity server beside it in one ServiceGroup.
public struct ControlPlane: Sendable {
    public struct Config: Sendable {
        public var mesh: MeshConfig
        /// Directory of manifests (the local source); nil serves an empty cluster.
        public var sourceDirectory: String?
        public var host: String
        public var destinationPort: Int
        public var policyPort: Int
        public var adminHost: String
        public var adminPort: Int
        public var serveDestination: Bool
        public var servePolicy: Bool
        /// The certificate the API servers present; nil serves plaintext (loopback testing).
        public var tls: IdentityServerTLS?

        public init(mesh: MeshConfig = MeshConfig(), sourceDirectory: String? = nil, host: String = "0.0.0.0",
                    destinationPort: Int = 8086, policyPort: Int = 8090, adminHost: String = "0.0.0.0", adminPort: Int = 9990,
                    serveDestination: Bool = true, servePolicy: Bool = true, tls: IdentityServerTLS? = nil) {
            self.mesh = mesh
            self.sourceDirectory = sourceDirectory
            self.host = host
            self.destinationPort = destinationPort
            self.policyPort = policyPort
            self.adminHost = adminHost
            self.adminPort = adminPort
            self.serveDestination = serveDestination
            self.servePolicy = servePolicy
            self.tls = tls
        }
    }

    public let store: ClusterStore
    public let destination: GRPCListener?
    public let policy: GRPCListener?
    public let admin: AdminServer
    public let source: DirectorySourceService?

    public init(config: Config, logger: Logger, extraReadiness: @escaping @Sendable () async -> Bool = { true }) {
        // Without a source the (empty) state is complete from the start.
        let store = ClusterStore(config: config.mesh, synced: config.sourceDirectory == nil)
        self.store = store
        let security = config.tls?.transportSecurity ?? .plaintext
        destination = config.serveDestination
            ? GRPCListener(name: "destination", host: config.host, port: config.destinationPort,
                           services: [DestinationService(store: store)], transportSecurity: security, logger: logger,
                           onShutdown: { await store.closeAll() })
            : nil
        policy = config.servePolicy
            ? GRPCListener(name: "policy", host: config.host, port: config.policyPort,
                           services: [InboundPolicyService(store: store), OutboundPolicyService(store: store)],
                           transportSecurity: security, logger: logger, onShutdown: { await store.closeAll() })
            : nil
        source = config.sourceDirectory.map { DirectorySourceService(directory: $0, store: store, logger: logger) }
        let listeners = [destination, policy].compactMap { $0 }
        admin = AdminServer(host: config.adminHost, port: config.adminPort, logger: logger,
                            handler: ControllerAdmin(store: store, ready: {
                                for l in listeners where (try? await l.boundPort()) == nil { return false }
                                return await extraReadiness()
                            }).respond)
    }

    /// Every service to run, the source first so state is loading while servers bind.
    public var services: [any ServiceLifecycle.Service] {
        ([source] as [(any ServiceLifecycle.Service)?] + [destination, policy, admin]).compactMap { $0 }
    }
}
