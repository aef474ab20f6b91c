import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A data-plane listener (outbound 4140 or inbound 4143) as a `Service`: accepts until a
/// graceful shutdown, then stops accepting and lets open connections finish for the grace
/// period before closing the rest.
final class ProxyListener: Service, Sendable {
    struct Configuration: Sendable {
        var name: String
        var host: String
        var port: Int
        var grace: Duration
        var backlog: Int32 = 1024
    }

    typealias ConnectionHandlerFactory = @Sendable (any Channel) -> any ChannelHandler

    private let configuration: Configuration
    private let group: any EventLoopGroup
    private let makeHandler: ConnectionHandlerFactory
    private let logger: Logger
    private let tracker = ConnectionTracker()
    private let bound = Mutex<Int?>(nil)
    private let ready: (@Sendable (Int) -> Void)?

    init(configuration: Configuration, group: any EventLoopGroup, logger: Logger,
         ready: (@Sendable (Int) -> Void)? = nil, makeHandler: @escaping ConnectionHandlerFactory) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
        self.ready = ready
        self.makeHandler = makeHandler
    }

    /// The port bound, once listening (tests bind port 0).
    var boundPort: Int? { bound.withLock { $0 } }

    var openConnections: Int { tracker.count }

    func run() async throws {
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: configuration.backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Setup handlers read by hand (detection, headers) and the splice turns reading on
            // once both ends exist, so no byte is read before someone can take it.
            .childChannelOption(.autoRead, value: false)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [tracker, makeHandler] channel in
                tracker.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(makeHandler(channel))
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        let port = server.localAddress?.port ?? configuration.port
        bound.withLock { $0 = port }
        logger.info("\(configuration.name) listener ready", metadata: ["address": "\(configuration.host):\(port)"])
        ready?(port)

        await withGracefulShutdownHandler {
            try? await server.closeFuture.get()
        } onGracefulShutdown: {
            server.close(promise: nil)
        }
        server.close(promise: nil)
        let open = tracker.count
        if open > 0 {
            logger.info("\(configuration.name) listener draining", metadata: ["open": "\(open)", "grace": "\(configuration.grace)"])
        }
        let forced = await tracker.drain(grace: configuration.grace)
        if forced > 0 {
            logger.notice("\(configuration.name) listener closed connections after the grace period", metadata: ["closed": "\(forced)"])
        }
    }
}
