import Logging
import TernPolicy
import X509

@testable import TernProxy

/// The Faces demo's color split (seed 000): Services `color` and `color2`, one pod each, and
/// an HTTPRoute on `color` sending half of its requests to each.
enum PolicyFixtures {
    static let colorName = "color.faces.svc.cluster.local:80"
    static let color2Name = "color2.faces.svc.cluster.local:80"
    static let colorIP = "10.96.0.20:80"

    static let services = """
    apiVersion: v1
    kind: Service
    metadata: {name: color, namespace: faces}
    spec: {clusterIP: 10.96.0.20, selector: {app: color}, ports: [{name: http, port: 80, targetPort: 8000}]}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: color2, namespace: faces}
    spec: {clusterIP: 10.96.0.21, selector: {app: color2}, ports: [{name: http, port: 80, targetPort: 8000}]}
    """

    static func split(color: Int, color2: Int) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: color-split-idx-0, namespace: faces}
        spec:
          parentRefs: [{name: color, kind: Service, group: core, port: 80}]
          rules:
          - backendRefs:
            - {name: color, namespace: faces, weight: \(color)}
            - {name: color2, namespace: faces, weight: \(color2)}
        """
    }

    /// Namespace, both Services with a pod each, and the 50/50 split.
    static func seed(_ server: DestinationTestServer) async {
        await server.apply("ns.yaml", DestinationFixtures.namespace)
        await server.apply("color-svc.yaml", services)
        await server.apply("color-a.yaml", DestinationFixtures.pod("color-a", ip: "10.3.0.1", app: "color"))
        await server.apply("color2-a.yaml", DestinationFixtures.pod("color2-a", ip: "10.3.0.2", app: "color2"))
        await server.apply("split.yaml", split(color: 50, color2: 50))
    }

    static func resolver(_ server: DestinationTestServer, firstAnswerTimeout: Duration = .seconds(2),
                         idleTimeout: Duration = .seconds(300)) -> OutboundPolicyResolver {
        var logger = Logger(label: "test-policy-resolver")
        logger.logLevel = .warning
        return OutboundPolicyResolver(
            address: HostPort(host: "127.0.0.1", port: server.port), serverName: nil, trustAnchors: nil,
            caller: CallerIdentity(namespace: "faces", workload: "client", identity: nil), logger: logger,
            firstAnswerTimeout: firstAnswerTimeout, idleTimeout: idleTimeout)
    }

    /// The weights of the route a plain GET takes, by backend Service name.
    static func weights(_ handle: PolicyHandle) -> [String: UInt32]? {
        guard let policy = handle.current,
              let route = RouteSelector.route(in: policy, method: "GET", path: "/", headers: []) else { return nil }
        var weights: [String: UInt32] = [:]
        for backend in route.backends {
            if case .service(let name, _, _) = backend.target { weights[name] = backend.weight }
        }
        return weights
    }
}
