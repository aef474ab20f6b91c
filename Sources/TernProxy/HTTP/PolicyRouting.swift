import NIOHTTP1
import TernPolicy

/// Applies a destination's outbound policy to one request: the route its method, path and
/// headers select (Gateway API precedence), then one of that route's backends by weight. The
/// request then goes to the chosen backend's own endpoints.
enum PolicyRouting {
    static func route(_ request: OutboundRequest, handle: PolicyHandle?) -> Result<OutboundRequest, ProxyHTTPError> {
        guard let handle, let policy = handle.current else { return .success(request) }
        let headers = request.head.headers.map { ($0.name, $0.value) }
        guard let route = RouteSelector.route(in: policy, method: request.head.method.rawValue, path: request.head.uri,
                                              headers: headers)
        else {
            return .failure(ProxyHTTPError(.noRoute, "no route of \(request.target.discoveryPath) matches the request"))
        }
        guard let backend = handle.pickBackend(of: route) else {
            return .failure(ProxyHTTPError(.noBackend, "route \(route.namespace)/\(route.name) has no backend with weight"))
        }
        var routed = request
        switch backend.target {
        case .service(let name, let namespace, let port):
            // The parent Service itself keeps the destination the client used, so the common
            // case (no split) shares the connection's discovery stream.
            if policy.parentKind == "Service", name == policy.parentName, namespace == policy.parentNamespace,
               port == policy.parentPort {
                return .success(request)
            }
            routed.target = .authority(host: "\(name).\(namespace).svc.cluster.local", port: port)
        case .address(let host, let port):
            routed.target = .authority(host: host, port: port)
        }
        return .success(routed)
    }
}
