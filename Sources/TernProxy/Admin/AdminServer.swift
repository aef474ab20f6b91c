import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The proxy's admin server (port 4191): `/metrics`, `/ready`, `/live`, `/shutdown`,
/// `/proxy-log-level`. A `Service` whose `run()` returns after a shutdown request, so `main`
/// adds it with `successTerminationBehavior: .gracefullyShutdownGroup` and `POST /shutdown`
/// drains the whole proxy.
public final class AdminServer: Service, Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// Connections idle this long are closed, so abandoned clients cannot pile up.
        public var idleTimeout: TimeAmount

        public init(host: String = "0.0.0.0", port: Int = 4191, idleTimeout: TimeAmount = .seconds(30)) {
            self.host = host
            self.port = port
            self.idleTimeout = idleTimeout
        }
    }

    private let configuration: Configuration
    private let metrics: MetricsRegistry
    private let readiness: ReadinessCheck
    private let logLevel: LogLevelControl
    private let group: any EventLoopGroup
    private let logger: Logger
    private let bound = Mutex<Int?>(nil)
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])

    public init(
        configuration: Configuration,
        metrics: MetricsRegistry,
        readiness: @escaping ReadinessCheck,
        logLevel: LogLevelControl,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.metrics = metrics
        self.readiness = readiness
        self.logLevel = logLevel
        self.group = group
        self.logger = logger
    }

    /// The port actually bound, once listening (tests bind port 0).
    public var boundPort: Int? { bound.withLock { $0 } }

    public func run() async throws {
        let (shutdownRequests, requestShutdown) = AsyncStream<Void>.makeStream()
        let routes = AdminRoutes(
            metrics: metrics, readiness: readiness, logLevel: logLevel, logger: logger,
            requestShutdown: { requestShutdown.yield() })
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 32)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [configuration] channel in
                self.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                    try pipeline.addHandler(IdleStateHandler(readTimeout: configuration.idleTimeout))
                    try pipeline.addHandler(AdminHTTPHandler(routes: routes, limits: AdminLimits()))
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        let port = server.localAddress?.port ?? configuration.port
        bound.withLock { $0 = port }
        logger.info("admin server listening", metadata: ["address": "\(configuration.host):\(port)"])

        // Serve until `POST /shutdown`, graceful shutdown of the group, or cancellation.
        await withGracefulShutdownHandler {
            for await _ in shutdownRequests { break }
        } onGracefulShutdown: {
            requestShutdown.finish()
        }
        requestShutdown.finish()
        try? await server.close()
        for channel in connections.withLock({ Array($0.values) }) {
            try? await channel.close()
        }
        logger.info("admin server stopped")
    }

    /// Open connections are remembered so stopping the server also ends keep-alive clients.
    private func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        connections.withLock { $0[id] = channel }
        channel.closeFuture.whenComplete { _ in
            self.connections.withLock { _ = $0.removeValue(forKey: id) }
        }
    }
}
