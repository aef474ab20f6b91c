import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import TernCore
import TernTLS

/// The whole proxy built from its configuration: identity, discovery, the two data-plane
/// listeners and the admin server, as services in the order they must start. `tern-proxy`'s
/// main runs them in one `ServiceGroup`; tests run the same composition in-process.
public final class ProxyRuntime: Sendable {
    public let config: ProxyConfig
    public let metrics: MetricsRegistry
    public let credentials: MeshCredentials?
    public let certifier: Certifier?
    public let resolver: DestinationResolver
    let outbound: ProxyListener
    let inbound: ProxyListener
    let admin: AdminServer
    private let identityClient: GRPCCertifyClient?
    private let group: MultiThreadedEventLoopGroup

    /// Detection waits this long for a client's first bytes before treating the connection
    /// as opaque TCP (Linkerd's 10 s).
    public static let detectionTimeout = TimeAmount.seconds(10)

    public init(config: ProxyConfig, logLevel: LogLevelControl, logger: Logger,
                authorize: @escaping InboundAuthorizer = { _ in true }) throws {
        self.config = config
        let metrics = MetricsRegistry()
        self.metrics = metrics
        let transport = TransportMetrics(registry: metrics)
        metrics.register(ProcessMetrics())
        let group = MultiThreadedEventLoopGroup(numberOfThreads: config.eventLoopThreads)
        self.group = group

        var tls: MeshTLS?
        if let identity = config.identity {
            let credentials = MeshCredentials(trustAnchors: identity.trustAnchors,
                                              applicationProtocols: [MeshProtocol.transportALPN])
            let client = try GRPCCertifyClient(
                host: identity.serviceHost, port: identity.servicePort, serverName: identity.serviceName,
                trustAnchors: identity.trustAnchors)
            let certifier = Certifier(identity: identity.identity, credentials: credentials, client: client,
                                      logger: logger, token: Certifier.tokenFile(identity.tokenFile))
            metrics.register(certifier.metrics)
            tls = MeshTLS(credentials: credentials)
            self.credentials = credentials
            self.certifier = certifier
            self.identityClient = client
        } else {
            self.credentials = nil
            self.certifier = nil
            self.identityClient = nil
        }

        resolver = DestinationResolver(
            address: config.destinationAddress, serverName: config.destinationServiceName,
            trustAnchors: config.identity?.trustAnchors,
            caller: CallerIdentity(namespace: config.identity?.identity.namespace ?? config.workload?.namespace ?? "",
                                   workload: config.workload?.pod ?? "",
                                   identity: config.identity?.identity.dnsName),
            logger: logger)

        let dialer = UpstreamDialer(tls: tls, connectTimeout: .seconds(5))
        let httpMetrics = HTTPMetrics(registry: metrics)
        let http = PerEventLoop(group) { loop in
            HTTPLoopState(sessions: UpstreamSessions(loop: loop, dialer: dialer), recorders: RequestRecorders(metrics: httpMetrics))
        }
        let outboundEnvironment = OutboundEnvironment(
            resolver: resolver, dialer: dialer, metrics: transport, http: http, opaquePorts: config.opaquePorts,
            detectionTimeout: Self.detectionTimeout, logger: logger)
        let inboundEnvironment = InboundEnvironment(
            tls: tls, dialer: dialer, metrics: transport, http: http, opaquePorts: config.opaquePorts,
            proxyPorts: [config.inboundPort, config.outboundPort, config.adminPort],
            detectionTimeout: Self.detectionTimeout, authorize: authorize, logger: logger)
        let grace = config.shutdownGracePeriod
        // Outbound only on loopback: only the local application may use it. Inbound on every
        // address: iptables redirects peers' connections to the interface they arrived on.
        outbound = ProxyListener(
            configuration: .init(name: "outbound", host: "127.0.0.1", port: config.outboundPort, grace: grace),
            group: group, logger: logger
        ) { channel in
            OutboundConnection(environment: outboundEnvironment, allocator: channel.allocator)
        }
        inbound = ProxyListener(
            configuration: .init(name: "inbound", host: "0.0.0.0", port: config.inboundPort, grace: grace),
            group: group, logger: logger
        ) { channel in
            InboundConnection(environment: inboundEnvironment, allocator: channel.allocator)
        }
        admin = AdminServer(
            configuration: .init(port: config.adminPort), metrics: metrics,
            readiness: Readiness.certificateHeld(credentials), logLevel: logLevel, logger: logger)
    }

    /// In start order; a `ServiceGroup` stops them in reverse, so the admin server goes
    /// first, then the listeners drain, and identity and discovery stay up until the last
    /// connection is done.
    public var services: [ServiceGroupConfiguration.ServiceConfiguration] {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let identityClient, let certifier {
            services.append(.init(service: identityClient))
            services.append(.init(service: certifier))
        }
        services.append(.init(service: resolver))
        services.append(.init(service: inbound))
        services.append(.init(service: outbound))
        // `POST /shutdown` ends the admin server's run, and that drains the whole proxy.
        services.append(.init(service: admin, successTerminationBehavior: .gracefullyShutdownGroup))
        return services
    }

    /// Ports actually bound (tests configure port 0).
    public var boundPorts: (outbound: Int?, inbound: Int?, admin: Int?) {
        (outbound.boundPort, inbound.boundPort, admin.boundPort)
    }
}
