import TernPolicy

extension Backend.Target {
    /// The path to ask the `DestinationResolver` about for this backend, spelled the way
    /// explicit-mode connections spell a Service authority (`color2.faces.svc.cluster.local:80`)
    /// so a backend and a direct caller of the same Service share one discovery stream. An
    /// address backend gives `10.0.0.1:80` or `[fd00::1]:80`.
    ///
    /// `clusterDomain` must be the controller's (Linkerd's `clusterDomain`, `cluster.local`
    /// unless the cluster was set up otherwise): the destination server strips exactly that
    /// suffix.
    public func discoveryPath(clusterDomain: String = "cluster.local") -> String {
        switch self {
        case .service(let name, let namespace, let port):
            return "\(name).\(namespace).svc.\(clusterDomain):\(port)"
        case .address(let host, let port):
            return HostPort(host: host, port: port).description
        }
    }
}
