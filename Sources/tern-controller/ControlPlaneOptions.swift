import ArgumentParser
import TernControl
import TernCore
import TernPolicy

/// The flags of the destination and policy half of the controller (DESIGN.md §5).
struct ControlPlaneOptions: ParsableArguments {
    @Option(help: "Where cluster state comes from: dir:PATH (a directory of manifests, watched).")
    var source: String?

    @Option(help: "Which servers to run, comma-separated: identity, destination, policy.")
    var serve = "identity,destination,policy"

    @Option(help: "The cluster's DNS domain.")
    var clusterDomain = "cluster.local"

    @Option(help: "Inbound policy where no Server and no annotation says otherwise: all-unauthenticated, all-authenticated, cluster-authenticated, cluster-unauthenticated, deny or audit.")
    var defaultInboundPolicy = DefaultPolicy.allUnauthenticated.rawValue

    @Option(help: "Networks the cluster-* default policies admit, comma-separated CIDRs.")
    var clusterNetworks = MeshConfig.privateNetworks.map(\.description).joined(separator: ",")

    @Option(help: "Address the destination and policy servers bind.")
    var apiHost = "0.0.0.0"

    @Option(help: "Port of the destination gRPC server (0 = any free port).")
    var destinationPort = 8086

    @Option(help: "Port of the policy gRPC server (0 = any free port).")
    var policyPort = 8090

    @Option(help: "Address of the admin server (/ready, /live, /metrics).")
    var adminHost = "0.0.0.0"

    @Option(help: "Port of the admin server (0 = any free port).")
    var adminPort = 9990

    @Flag(help: "Serve destination and policy without TLS (loopback testing only).")
    var apiPlaintext = false

    var servers: Set<String> { Set(serve.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }

    func validate() throws {
        let unknown = servers.subtracting(["identity", "destination", "policy"])
        if !unknown.isEmpty { throw ValidationError("--serve: unknown server \(unknown.sorted().joined(separator: ", ")); choose from identity, destination, policy") }
        if let source, !source.hasPrefix("dir:") || source.count == 4 {
            throw ValidationError("--source must be dir:PATH (the Kubernetes source comes later), got \"\(source)\"")
        }
        if DefaultPolicy(rawValue: defaultInboundPolicy) == nil {
            throw ValidationError("--default-inbound-policy must be one of \(DefaultPolicy.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(defaultInboundPolicy)\"")
        }
        _ = try networks()
        for (name, port) in [("--destination-port", destinationPort), ("--policy-port", policyPort), ("--admin-port", adminPort)]
        where !(0...65535).contains(port) {
            throw ValidationError("\(name) must be from 0 to 65535, got \(port)")
        }
    }

    func networks() throws -> [CIDR] {
        try clusterNetworks.split(separator: ",").map { part in
            do { return try CIDR(parsing: part.trimmingCharacters(in: .whitespaces)) } catch {
                throw ValidationError("--cluster-networks: \(error)")
            }
        }
    }

    func config(trustDomain: String, controlPlaneNamespace: String, tls: IdentityServerTLS?) throws -> ControlPlane.Config {
        let mesh = MeshConfig(clusterDomain: clusterDomain, trustDomain: trustDomain, controlPlaneNamespace: controlPlaneNamespace,
                              defaultInboundPolicy: DefaultPolicy(rawValue: defaultInboundPolicy)!, clusterNetworks: try networks())
        return ControlPlane.Config(mesh: mesh, sourceDirectory: source.map { String($0.dropFirst(4)) }, host: apiHost,
                                   destinationPort: destinationPort, policyPort: policyPort, adminHost: adminHost, adminPort: adminPort,
                                   serveDestination: servers.contains("destination"), servePolicy: servers.contains("policy"),
                                   tls: apiPlaintext ? nil : tls)
    }
}
