import Logging

extension ProxyConfig {
    /// What the proxy logs at startup so an operator can see the settings it took. Holds the
    /// token file's path only: the token itself is a credential and is never read here.
    public var logMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = [
            "destination": "\(destinationAddress)",
            "policy": "\(policyAddress)",
            "outbound_port": "\(outboundPort)",
            "inbound_port": "\(inboundPort)",
            "admin_port": "\(adminPort)",
            "log_level": "\(logLevel)",
            "event_loop_threads": "\(eventLoopThreads)",
        ]
        if let identity {
            metadata["identity"] = "\(identity.identity)"
            metadata["identity_service"] = "\(identity.serviceHost):\(identity.servicePort)"
            metadata["identity_token_file"] = "\(identity.tokenFile)"
        }
        if let workload { metadata["workload"] = "\(workload)" }
        for (key, ports) in [("skip_inbound_ports", skipInboundPorts), ("skip_outbound_ports", skipOutboundPorts), ("opaque_ports", opaquePorts)]
        where !ports.isEmpty {
            metadata[key] = "\(ports.ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ","))"
        }
        return metadata
    }
}
