import TernResources

/// The `/etc/hosts` a transparent-mode workload sees (`ip netns exec` bind-mounts
/// `/etc/netns/<ns>/hosts`): every Service with a cluster IP under its cluster DNS names, as
/// cluster DNS would answer. Pure.
public enum HostsFile {
    public static func render(_ state: ClusterState, workloadNamespace: String, clusterDomain: String = "cluster.local") -> String {
        var lines = ["127.0.0.1 localhost", "::1 localhost"]
        for service in state.all(Service.self) {
            guard let name = service.metadata.name, let ip = service.spec?.clusterIP, ip != "None", !ip.isEmpty else { continue }
            let namespace = service.metadata.namespace ?? "default"
            var names = ["\(name).\(namespace).svc.\(clusterDomain)", "\(name).\(namespace).svc", "\(name).\(namespace)"]
            if namespace == workloadNamespace { names.append(name) }
            lines.append("\(ip) \(names.joined(separator: " "))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
