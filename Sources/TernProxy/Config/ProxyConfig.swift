import Logging
import TernCore
import X509

/// Everything `tern-proxy` is told at startup, decoded once from `TERN_PROXY_*` environment
/// variables (docs/proxy-configuration.md) and passed down as a plain value. Defaults follow
/// Linkerd's ports so its manifests, probes and dashboards work unchanged.
public struct ProxyConfig: Sendable {
    /// Nil for an unmeshed (plaintext) proxy. Decoded by `ProxyIdentityConfig`, which owns the
    /// `TERN_PROXY_IDENTITY_*` variables, so there is one reading of them.
    public var identity: ProxyIdentityConfig?
    public var destinationAddress: HostPort
    /// The destination service's mesh identity; when set, discovery runs over TLS verified
    /// against the trust anchors (Linkerd's LINKERD2_PROXY_DESTINATION_SVC_NAME). Nil:
    /// plaintext, for loopback testing.
    public var destinationServiceName: String?
    public var policyAddress: HostPort
    public var outboundPort: Int
    public var inboundPort: Int
    public var adminPort: Int
    /// Ports whose traffic never reaches the proxy (the redirect skips them).
    public var skipInboundPorts: PortSet
    public var skipOutboundPorts: PortSet
    /// Ports proxied as opaque TCP without protocol detection.
    public var opaquePorts: PortSet
    /// The level the proxy starts with; the admin server can change it later.
    public var logLevel: Logger.Level
    public var eventLoopThreads: Int
    /// The pod this proxy serves, for inbound policy lookups; nil outside a workload.
    public var workload: WorkloadName?
    /// How long open connections may finish after SIGTERM before the proxy closes them.
    public var shutdownGracePeriod: Duration

    public init(
        identity: ProxyIdentityConfig? = nil,
        destinationAddress: HostPort = ProxyConfig.defaults.destinationAddress,
        destinationServiceName: String? = nil,
        policyAddress: HostPort = ProxyConfig.defaults.policyAddress,
        outboundPort: Int = ProxyConfig.defaults.outboundPort,
        inboundPort: Int = ProxyConfig.defaults.inboundPort,
        adminPort: Int = ProxyConfig.defaults.adminPort,
        skipInboundPorts: PortSet = PortSet(ports: []),
        skipOutboundPorts: PortSet = PortSet(ports: []),
        opaquePorts: PortSet = PortSet(ports: []),
        logLevel: Logger.Level = ProxyConfig.defaults.logLevel,
        eventLoopThreads: Int = ProxyConfig.defaults.eventLoopThreads,
        workload: WorkloadName? = nil,
        shutdownGracePeriod: Duration = ProxyConfig.defaults.shutdownGracePeriod
    ) {
        self.identity = identity
        self.destinationAddress = destinationAddress
        self.destinationServiceName = destinationServiceName
        self.policyAddress = policyAddress
        self.outboundPort = outboundPort
        self.inboundPort = inboundPort
        self.adminPort = adminPort
        self.skipInboundPorts = skipInboundPorts
        self.skipOutboundPorts = skipOutboundPorts
        self.opaquePorts = opaquePorts
        self.logLevel = logLevel
        self.eventLoopThreads = eventLoopThreads
        self.workload = workload
        self.shutdownGracePeriod = shutdownGracePeriod
    }

    public static let defaults = (
        destinationAddress: HostPort(host: "127.0.0.1", port: 8086),
        policyAddress: HostPort(host: "127.0.0.1", port: 8090),
        outboundPort: 4140,
        inboundPort: 4143,
        adminPort: 4191,
        logLevel: Logger.Level.info,
        eventLoopThreads: 1,
        shutdownGracePeriod: Duration.seconds(30)
    )

    /// The anchors the destination service's certificate must chain to, or nil for a
    /// plaintext channel (no service name configured).
    public var destinationTrustAnchors: [Certificate]? {
        destinationServiceName == nil ? nil : identity?.trustAnchors
    }

    /// The variables this type reads besides the identity ones. One list, so the decoder, the
    /// unknown-variable check and the documentation test cannot drift apart.
    public static let variables = (
        destinationAddress: "TERN_PROXY_DESTINATION_SVC_ADDR",
        destinationServiceName: "TERN_PROXY_DESTINATION_SVC_NAME",
        policyAddress: "TERN_PROXY_POLICY_SVC_ADDR",
        outboundPort: "TERN_PROXY_OUTBOUND_PORT",
        inboundPort: "TERN_PROXY_INBOUND_PORT",
        adminPort: "TERN_PROXY_ADMIN_PORT",
        skipInboundPorts: "TERN_PROXY_SKIP_INBOUND_PORTS",
        skipOutboundPorts: "TERN_PROXY_SKIP_OUTBOUND_PORTS",
        opaquePorts: "TERN_PROXY_OPAQUE_PORTS",
        logLevel: "TERN_PROXY_LOG_LEVEL",
        eventLoopThreads: "TERN_PROXY_EVENT_LOOP_THREADS",
        workload: "TERN_PROXY_POLICY_WORKLOAD",
        shutdownGracePeriod: "TERN_PROXY_SHUTDOWN_GRACE_PERIOD"
    )

    /// Every variable name the proxy understands, identity included.
    public static var allVariableNames: [String] {
        let v = variables
        let i = ProxyIdentityConfig.variables
        return [
            i.localName, i.serviceAddress, i.serviceName, i.tokenFile, i.trustAnchors,
            v.destinationAddress, v.destinationServiceName, v.policyAddress, v.outboundPort, v.inboundPort, v.adminPort,
            v.skipInboundPorts, v.skipOutboundPorts, v.opaquePorts, v.logLevel, v.eventLoopThreads, v.workload,
            v.shutdownGracePeriod,
        ]
    }
}
