/// Where a workload runs: its pod address, the ports its application and proxy listen on,
/// and in transparent mode its network namespace.
public struct Placement: Sendable, Hashable, Codable {
    public var address: String
    /// Declared container port → the port the application really listens on (equal in
    /// transparent mode; a free loopback port in explicit mode, where all share 127.0.0.1).
    public var applicationPorts: [Int: Int]
    public var outboundPort: Int
    public var inboundPort: Int
    public var adminPort: Int
    public var networkNamespace: String?

    public init(address: String, applicationPorts: [Int: Int], outboundPort: Int, inboundPort: Int, adminPort: Int,
                networkNamespace: String? = nil) {
        self.address = address
        self.applicationPorts = applicationPorts
        self.outboundPort = outboundPort
        self.inboundPort = inboundPort
        self.adminPort = adminPort
        self.networkNamespace = networkNamespace
    }

    /// The standard sidecar ports inside a workload's own namespace.
    public static func transparent(address: String, workload: LocalWorkload, namespace: String) -> Placement {
        let ports = Dictionary(workload.ports.map { ($0.port, $0.port) }, uniquingKeysWith: { a, _ in a })
        return Placement(address: address, applicationPorts: ports, outboundPort: 4140, inboundPort: 4143, adminPort: 4191,
                         networkNamespace: namespace)
    }

    public func applicationPort(for declared: Int) -> Int { applicationPorts[declared] ?? declared }
    public var adminURL: String { "http://\(address):\(adminPort)" }
}

/// A network namespace name for a workload: short (Linux allows 255, but `ip` output and
/// veth names stay readable) and unique per runtime through `tag`.
public enum NamespaceNames {
    public static func netns(tag: String, index: Int) -> String { "tern-\(tag)-w\(index)" }
    /// veth names are limited to 15 characters.
    public static func veth(tag: String, index: Int) -> String { String("tv\(index)x\(tag)".prefix(15)) }
    public static func bridge(tag: String) -> String { String("ternbr\(tag)".prefix(15)) }
}
