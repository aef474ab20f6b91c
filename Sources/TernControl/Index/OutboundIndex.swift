import TernCore
import TernPolicy
import TernResources

/// Maps cluster state to the outbound policy of a Service port: routes from Gateway API and
/// Linkerd HTTPRoutes and GRPCRoutes attached to the Service (GAMMA: parentRef kind Service),
/// else a ServiceProfile's routes, else one default route, split by an SMI TrafficSplit when
/// there is one. Pure.
public struct OutboundIndex: Sendable {
    public let state: ClusterState
    public let config: MeshConfig
    let destinations: DestinationIndex

    public init(state: ClusterState, config: MeshConfig = MeshConfig()) {
        self.state = state
        self.config = config
        self.destinations = DestinationIndex(state: state, config: config)
    }

    /// The policy for `target` as seen from `callerNamespace`; nil when no Service answers.
    public func policy(for target: DestinationTarget, callerNamespace: String? = nil) -> OutboundPolicy? {
        let service: Service
        let port: Int
        switch target {
        case .service(let ns, let name, let p):
            guard let s = state.get(Service.self, namespace: ns, name: name) else { return nil }
            (service, port) = (s, p)
        case .address(let ip, let p):
            guard let s = destinations.service(withClusterIP: ip) else { return nil }
            (service, port) = (s, p)
        }
        let annotations = service.metadata.annotations ?? [:]
        var routes = gatewayRoutes(for: service, port: port, callerNamespace: callerNamespace)
        if routes.isEmpty { routes = profileRoutes(for: service, port: port, callerNamespace: callerNamespace) }
        if routes.isEmpty {
            let layered = RouteAnnotations.Layered(route: [:], service: annotations)
            routes = [OutboundRoute(kind: "default", namespace: service.namespace, name: "default",
                                    backends: splitBackends(for: service, port: port),
                                    timeouts: RouteAnnotations.timeouts(layered, rule: RouteTimeouts()),
                                    retry: RouteAnnotations.retry(layered))]
        }
        return OutboundPolicy(appProtocol: appProtocol(service, port: port), routes: routes,
                              failureAccrual: RouteAnnotations.failureAccrual(annotations),
                              parentNamespace: service.namespace, parentName: service.name, parentPort: port)
    }

    func appProtocol(_ service: Service, port: Int) -> OutboundPolicy.AppProtocol {
        let opaque = destinations.meshing.opaquePorts(annotations: service.metadata.annotations, namespace: service.namespace)
        if opaque.contains(port) { return .opaque }
        switch service.spec?.ports?.first(where: { $0.port == port })?.appProtocol?.lowercased() {
        case "linkerd.io/opaque"?, "tcp"?: return .opaque
        case "kubernetes.io/h2c"?, "http2"?, "h2c"?: return .http2
        case "grpc"?: return .grpc
        case "http"?, "kubernetes.io/http"?: return .http1
        default: return .detect
        }
    }

    /// An SMI TrafficSplit for the service turns its default route into a weighted one.
    func splitBackends(for service: Service, port: Int) -> [Backend] {
        let own = Backend(target: .service(name: service.name, namespace: service.namespace, port: port))
        guard let split = state.all(SMI.TrafficSplit.self, namespace: service.namespace).first(where: { $0.spec?.service == service.name }) else {
            return [own]
        }
        let backends = (split.spec?.backends ?? []).compactMap { b -> Backend? in
            guard let name = b.service else { return nil }
            return Backend(target: .service(name: name, namespace: service.namespace, port: port), weight: Self.weight(b.weight))
        }
        return backends.isEmpty ? [own] : backends
    }

    /// Quantities as weights: "500m" and 500 keep their ratio to each other (milli-units).
    static func weight(_ q: Quantity?) -> UInt32 {
        guard let q, let milli = q.milliValue, milli > 0 else { return q == nil ? 1000 : 0 }
        return UInt32(clamping: milli)
    }
}
