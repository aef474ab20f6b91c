import TernCore

/// What a proxy asks the destination service about: a Service by name, or an IP address
/// (the original destination of a transparently redirected connection).
public enum DestinationTarget: Hashable, Sendable, CustomStringConvertible {
    case service(namespace: String, name: String, port: Int)
    case address(IPAddress, port: Int)

    /// Parses `name.ns.svc.cluster.local:80`, `name.ns.svc:80`, `name.ns:80`, `10.0.0.1:80` or
    /// `[fd00::1]:80`. The port defaults to 80 for names; an address needs one.
    public init?(authority: String, clusterDomain: String) {
        var host = Substring(authority)
        var port: Int? = nil
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if rest.hasPrefix(":") { port = Int(rest.dropFirst()) ; if port == nil { return nil } }
        } else if let colon = host.lastIndex(of: ":"), host.filter({ $0 == ":" }).count == 1 {
            guard let p = Int(host[host.index(after: colon)...]) else { return nil }
            port = p
            host = host[..<colon]
        }
        if let p = port, !(1...65535).contains(p) { return nil }
        if let ip = IPAddress(parsing: String(host)) {
            guard let port else { return nil }
            self = .address(ip, port: port)
            return
        }
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        let suffix = ".svc." + clusterDomain
        if name.hasSuffix(suffix) { name.removeLast(suffix.count) } else if name.hasSuffix(".svc") { name.removeLast(4) }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count == 2, KubernetesNames.isDNSLabel(String(labels[0])), KubernetesNames.isDNSLabel(String(labels[1])) else { return nil }
        self = .service(namespace: String(labels[1]), name: String(labels[0]), port: port ?? 80)
    }

    public var description: String {
        switch self {
        case .service(let ns, let name, let port): return "\(name).\(ns).svc:\(port)"
        case .address(let ip, let port): return ip.isIPv4 ? "\(ip):\(port)" : "[\(ip)]:\(port)"
        }
    }
}
