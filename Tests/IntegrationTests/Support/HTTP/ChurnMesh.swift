import Foundation

/// Service `echo.test` served by several endpoints, each an `HTTPTestServer` (answering
/// `/whoami` with its name) behind its own server proxy with its own identity, all under mTLS;
/// and one client proxy the load goes through. Every endpoint is listed in the manifests as an
/// ExternalWorkload from the start; `publish` decides which of them the Service selects, so
/// adding and removing endpoints is one manifest rewrite the controller picks up.
struct ChurnMesh {
    struct Endpoint: Sendable {
        let name: String
        let server: HTTPTestServer
        let proxy: ProxyProcess

        var whoamiCount: Int { server.requests("/whoami") }

        /// Kills the server proxy with SIGKILL: a crash, before the controller notices anything.
        func killProxy() {
            kill(proxy.process.process.processIdentifier, SIGKILL)
        }
    }

    let mesh: MeshFixture
    let endpoints: [Endpoint]
    let clientProxy: ProxyProcess
    private let workloads: [EchoManifests.Workload]

    static let selectedApp = "echo"

    func endpoint(_ name: String) -> Endpoint {
        guard let endpoint = endpoints.first(where: { $0.name == name }) else { preconditionFailure("no endpoint \(name)") }
        return endpoint
    }

    /// Makes the Service select exactly the endpoints named.
    func publish(_ names: Set<String>) throws {
        try Self.publish(names, workloads, in: mesh)
    }

    private static func publish(_ names: Set<String>, _ workloads: [EchoManifests.Workload], in mesh: MeshFixture) throws {
        let labelled = workloads.map { workload in
            var workload = workload
            workload.app = names.contains(workload.name) ? selectedApp : "\(workload.name)-unpublished"
            return workload
        }
        try mesh.write("echo.yaml", EchoManifests.yaml(selecting: selectedApp, labelled))
    }

    /// Runs `body` with every endpoint up and `published` selected, and always stops it all.
    static func with(_ names: [String], publishing published: Set<String>, _ body: (ChurnMesh) async throws -> Void) async throws {
        let servers = try names.map { try HTTPTestServer(name: $0) }
        defer { for server in servers { server.kill() } }
        let churn = try await MeshFixture.start { mesh in
            let workloads = servers.map { server in
                EchoManifests.Workload(name: server.name, appPort: server.port, identity: MeshFixture.identity(server.name, "test"),
                                       proxyInbound: freePort(), opaque: false)
            }
            try publish(published, workloads, in: mesh)
            try await mesh.startController()
            var endpoints: [Endpoint] = []
            for (server, workload) in zip(servers, workloads) {
                let proxy = try await mesh.startProxy(server.name, namespace: "test", inboundPort: workload.proxyInbound)
                endpoints.append(Endpoint(name: server.name, server: server, proxy: proxy))
            }
            let clientProxy = try await mesh.startProxy("client", namespace: "test")
            return ChurnMesh(mesh: mesh, endpoints: endpoints, clientProxy: clientProxy, workloads: workloads)
        }
        try await churn.mesh.stopping { try await body(churn) }
    }
}
