import FoundationEssentials
import Logging
import TernCore

extension ProxyConfig {
    /// Decodes the configuration from environment variables. An empty value counts as unset
    /// (Kubernetes manifests often template variables to ""). The first invalid variable
    /// ends decoding with one message that names it; nothing is half-applied.
    ///
    /// Only file *paths* are read from the environment. The token file is never opened here,
    /// so its contents cannot reach an error message or a log line.
    public init(environment: [String: String]) throws(ProxyConfigError) {
        let v = Self.variables
        let reader = EnvironmentReader(environment)
        let identity = try ProxyIdentityConfig.fromEnvironment { reader.value($0) }
        self.init(
            identity: identity,
            destinationAddress: try reader.hostPort(v.destinationAddress, default: Self.defaults.destinationAddress),
            destinationServiceName: try reader.serviceName(v.destinationServiceName),
            policyAddress: try reader.hostPort(v.policyAddress, default: Self.defaults.policyAddress),
            outboundPort: try reader.port(v.outboundPort, default: Self.defaults.outboundPort),
            inboundPort: try reader.port(v.inboundPort, default: Self.defaults.inboundPort),
            adminPort: try reader.port(v.adminPort, default: Self.defaults.adminPort),
            skipInboundPorts: try reader.portSet(v.skipInboundPorts),
            skipOutboundPorts: try reader.portSet(v.skipOutboundPorts),
            opaquePorts: try reader.portSet(v.opaquePorts),
            logLevel: try reader.logLevel(v.logLevel, default: Self.defaults.logLevel),
            eventLoopThreads: try reader.count(
                v.eventLoopThreads, of: "threads", in: 1...Self.maximumEventLoopThreads,
                default: Self.defaults.eventLoopThreads),
            workload: try reader.workload(v.workload),
            shutdownGracePeriod: try reader.duration(v.shutdownGracePeriod, default: Self.defaults.shutdownGracePeriod)
        )
        try checkListenersDistinct()
        if destinationServiceName != nil, identity == nil {
            // TLS to the controller is verified with the mesh's anchors, which come with the
            // identity settings; silently falling back to plaintext would hide the mistake.
            throw .invalid(v.destinationServiceName, "TLS to the destination service needs the trust anchors: set TERN_PROXY_IDENTITY_LOCAL_NAME and the other identity variables, or unset it for plaintext")
        }
    }

    /// The running process's environment.
    public static func fromProcessEnvironment() throws(ProxyConfigError) -> ProxyConfig {
        try ProxyConfig(environment: ProcessInfo.processInfo.environment)
    }

    /// `TERN_PROXY_*` names that are set but that the proxy does not read: almost always a
    /// typo, worth a startup warning (not an error, so newer manifests still start).
    public static func unrecognizedVariables(in environment: [String: String]) -> [String] {
        let known = Set(allVariableNames)
        return environment.keys.filter { $0.hasPrefix("TERN_PROXY_") && !known.contains($0) }.sorted()
    }

    /// A proxy cannot bind two of its listeners to one port; say which variables collide.
    private func checkListenersDistinct() throws(ProxyConfigError) {
        let v = Self.variables
        let listeners = [(v.outboundPort, outboundPort), (v.inboundPort, inboundPort), (v.adminPort, adminPort)]
        for (i, (name, port)) in listeners.enumerated() {
            if let earlier = listeners[..<i].first(where: { $0.1 == port }) {
                throw .invalid(name, "\(port) is also \(earlier.0); each listener needs its own port")
            }
        }
    }

    /// More threads than this is a misconfiguration (a sidecar shares its pod's CPU).
    public static let maximumEventLoopThreads = 64
}

extension EnvironmentReader {
    /// A mesh identity in DNS form, such as
    /// `tern-destination.tern.serviceaccount.identity.tern.cluster.local`: checked as a DNS
    /// name only, so a control plane with its own naming still works.
    fileprivate func serviceName(_ name: String) throws(ProxyConfigError) -> String? {
        guard let text = value(name) else { return nil }
        guard KubernetesNames.isDNSSubdomain(text) else {
            throw .invalid(name, "expected a DNS name such as tern-destination.tern.serviceaccount.identity.tern.cluster.local, got \"\(text)\"")
        }
        return text
    }

    /// A Go duration (`30s`, `1m30s`, `500ms`); zero is allowed and means "do not wait".
    fileprivate func duration(_ name: String, default fallback: Duration) throws(ProxyConfigError) -> Duration {
        guard let text = value(name) else { return fallback }
        do {
            return .nanoseconds(try GoDuration(parsing: text).nanoseconds)
        } catch {
            throw .invalid(name, "expected a duration such as 30s or 1m30s, got \"\(text)\"")
        }
    }
}
