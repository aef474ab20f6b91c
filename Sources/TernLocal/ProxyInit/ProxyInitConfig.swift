import TernCore

/// What `tern proxy-init` redirects, as plain values decoded once from flags (or built by the
/// local runtime for each pod it creates). Defaults mirror a Linkerd-injected pod.
///
/// Inbound TCP (arriving from another interface) goes to the proxy's inbound port unless its
/// destination port is skipped; outbound TCP the workload originates goes to the outbound port
/// unless it comes from the proxy itself (its UID/GID), leaves through loopback, targets a
/// skipped port, or targets a skipped subnet. IPv4 only: the rules are programmed with
/// `iptables`, not `ip6tables`.
public struct ProxyInitConfig: Sendable, Hashable {
    /// Where redirected inbound connections land (the proxy's inbound listener).
    public var inboundPort: Int
    /// Where redirected outbound connections land (the proxy's outbound listener).
    public var outboundPort: Int
    /// The proxy's user: its own connections must leave untouched or they would loop back into it.
    public var proxyUID: Int?
    /// The proxy's group, an alternative (or addition) to the UID for the same reason.
    public var proxyGID: Int?
    /// Inbound destination ports that reach the workload directly (the proxy's admin and tap ports).
    public var inboundSkipPorts: PortSet
    /// When set, only these inbound ports are redirected; every other port reaches the workload directly.
    public var inboundRedirectPorts: PortSet?
    /// Outbound destination ports that bypass the proxy (e.g. SMTP, databases speaking server-first protocols).
    public var outboundSkipPorts: PortSet
    /// Outbound destination networks that bypass the proxy.
    public var outboundSkipSubnets: [CIDR]

    /// Linkerd's defaults: proxy UID 2102, admin (4191) and tap (4190) ports skipped inbound.
    public static let defaultProxyUID = 2102
    public static let defaultInboundSkipPorts = PortSet(ports: [4190, 4191])

    public init(
        inboundPort: Int = 4143,
        outboundPort: Int = 4140,
        proxyUID: Int? = ProxyInitConfig.defaultProxyUID,
        proxyGID: Int? = nil,
        inboundSkipPorts: PortSet = ProxyInitConfig.defaultInboundSkipPorts,
        inboundRedirectPorts: PortSet? = nil,
        outboundSkipPorts: PortSet = PortSet(ports: []),
        outboundSkipSubnets: [CIDR] = []
    ) {
        self.inboundPort = inboundPort
        self.outboundPort = outboundPort
        self.proxyUID = proxyUID
        self.proxyGID = proxyGID
        self.inboundSkipPorts = inboundSkipPorts
        self.inboundRedirectPorts = inboundRedirectPorts
        self.outboundSkipPorts = outboundSkipPorts
        self.outboundSkipSubnets = outboundSkipSubnets
    }

    /// Checks every field, reporting the first problem, so nothing is applied from a bad config.
    public func validate() throws(ProxyInitConfigError) {
        try Self.checkPort(inboundPort, field: "inbound port")
        try Self.checkPort(outboundPort, field: "outbound port")
        guard inboundPort != outboundPort else { throw .samePorts(inboundPort) }
        guard proxyUID != nil || proxyGID != nil else { throw .noProxyIdentity }
        if let uid = proxyUID { try Self.checkID(uid, field: "proxy UID") }
        if let gid = proxyGID { try Self.checkID(gid, field: "proxy GID") }
        try Self.checkPorts(inboundSkipPorts, field: "inbound skip ports")
        if let redirect = inboundRedirectPorts {
            guard !redirect.isEmpty else { throw .emptyRedirectPorts }
            try Self.checkPorts(redirect, field: "inbound redirect ports")
        }
        try Self.checkPorts(outboundSkipPorts, field: "outbound skip ports")
        for subnet in outboundSkipSubnets where !subnet.address.isIPv4 {
            throw .ipv6Subnet(subnet.description)
        }
    }

    private static func checkPort(_ port: Int, field: String) throws(ProxyInitConfigError) {
        guard (1...65535).contains(port) else { throw .badPort(field: field, value: port) }
    }

    private static func checkPorts(_ ports: PortSet, field: String) throws(ProxyInitConfigError) {
        for range in ports.ranges {
            try checkPort(range.lowerBound, field: field)
            try checkPort(range.upperBound, field: field)
        }
    }

    /// UIDs and GIDs are unsigned 32-bit; 4294967295 is the kernel's "no id" marker.
    private static func checkID(_ id: Int, field: String) throws(ProxyInitConfigError) {
        guard id >= 0, id < Int(UInt32.max) else { throw .badID(field: field, value: id) }
    }
}
