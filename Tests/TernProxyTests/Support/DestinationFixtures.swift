import Logging
import ServiceLifecycle
import Testing
import X509

@testable import TernProxy

/// Manifests and resolver set-up shared by the destination resolver tests.
enum DestinationFixtures {
    static let namespace = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: faces, annotations: {linkerd.io/inject: enabled}}
    """

    /// `web` on cluster IP 10.96.0.10, port 80 → 8080; `empty` selects nothing yet.
    static let services = """
    apiVersion: v1
    kind: Service
    metadata: {name: web, namespace: faces}
    spec: {clusterIP: 10.96.0.10, selector: {app: web}, ports: [{name: http, port: 80, targetPort: 8080}]}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: empty, namespace: faces}
    spec: {clusterIP: 10.96.0.11, selector: {app: empty}, ports: [{name: http, port: 80, targetPort: 8080}]}
    """

    static func pod(_ name: String, ip: String, app: String = "web") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name), namespace: faces, labels: {app: \(app)}}
        spec: {serviceAccountName: \(app), containers: [{name: \(app)}]}
        status: {phase: Running, podIP: \(ip)}
        """
    }

    static let webName = "web.faces.svc.cluster.local:80"
    static let webIdentity = "web.faces.serviceaccount.identity.tern.cluster.local"
    static let destinationName = "tern-destination.tern.serviceaccount.identity.tern.cluster.local"

    /// A server holding faces/web with pods web-a (10.1.0.1) and web-b (10.1.0.2).
    static func seed(_ server: DestinationTestServer) async {
        await server.apply("ns.yaml", namespace)
        await server.apply("svc.yaml", services)
        await server.apply("web-a.yaml", pod("web-a", ip: "10.1.0.1"))
        await server.apply("web-b.yaml", pod("web-b", ip: "10.1.0.2"))
    }

    static func resolver(_ server: DestinationTestServer, serverName: String? = nil, anchors: [Certificate]? = nil,
                         firstAnswerTimeout: Duration = .seconds(2), idleTimeout: Duration = .seconds(300)) -> DestinationResolver {
        var logger = Logger(label: "test-resolver")
        logger.logLevel = .warning
        return DestinationResolver(
            address: HostPort(host: "127.0.0.1", port: server.port), serverName: serverName, trustAnchors: anchors,
            caller: CallerIdentity(namespace: "faces", workload: "client", identity: nil), logger: logger,
            firstAnswerTimeout: firstAnswerTimeout, idleTimeout: idleTimeout)
    }

    /// Runs `resolver` in a service group for the duration of `body`, then shuts the group down
    /// gracefully: the group returning proves every watch ended with it.
    static func running<T: Sendable>(_ resolver: DestinationResolver, _ body: @Sendable () async throws -> T) async throws -> T {
        var logger = Logger(label: "test-group")
        logger.logLevel = .warning
        let services = ServiceGroup(services: [resolver], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            do {
                let result = try await body()
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
        }
    }

    static func addresses(_ pool: EndpointPool) -> [String] { pool.endpoints.map(\.socketAddress) }
}

extension Resolution {
    /// The pool, or nil for `.unknown` / `.noEndpoints`.
    var endpointPool: EndpointPool? {
        if case .pool(let pool) = self { return pool }
        return nil
    }

    var isUnknown: Bool {
        if case .unknown = self { return true }
        return false
    }

    var isNoEndpoints: Bool {
        if case .noEndpoints = self { return true }
        return false
    }
}
