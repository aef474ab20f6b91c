/// Picks the route an outbound request takes under an `OutboundPolicy`, by Gateway API
/// precedence: among every match of every route that accepts the request, the one that
/// `outranks` all others wins; equal-ranked matches go to the route listed first (the control
/// plane lists routes in namespace/name order, which is Gateway API's tie-break). Pure: safe to
/// call from an event loop for every request.
public enum RouteSelector {
    /// The route for an HTTP request, or nil when the policy has HTTP routes and none accepts
    /// the request: the caller answers 404, as Gateway API and Linkerd do for an unmatched
    /// request. An opaque policy, or one without routes, gives `defaultRoute(of:)`.
    ///
    /// `path` is the request target's path, with or without its `?query`; query parameters are
    /// only parsed when some match asks for one. Header names compare case-insensitively.
    public static func route(in policy: OutboundPolicy, method: String, path: String,
                             headers: [(String, String)]) -> OutboundRoute? {
        if policy.isOpaque || policy.routes.isEmpty { return defaultRoute(of: policy) }
        let needsQuery = policy.routes.contains { $0.matches.contains { !$0.queryParams.isEmpty } }
        let query = needsQuery ? RequestQuery.parameters(of: path) : []
        var best: (route: Int, match: HTTPMatch)? = nil
        for (index, route) in policy.routes.enumerated() {
            for match in effectiveMatches(route) {
                if let current = best, !match.outranks(current.match) { continue }
                guard match.matches(method: method, path: path, headers: headers, query: query) else { continue }
                best = (index, match)
            }
        }
        return best.map { policy.routes[$0.route] }
    }

    /// Where traffic goes when no HTTP route applies (an opaque connection, or a policy with
    /// no routes): the policy's `default` route (which carries an SMI TrafficSplit), else the
    /// parent Service itself with its timeouts and retries unset.
    public static func defaultRoute(of policy: OutboundPolicy) -> OutboundRoute {
        if let route = policy.routes.first(where: { $0.kind == "default" }) { return route }
        return OutboundRoute(kind: "default", namespace: policy.parentNamespace, name: "default",
                             backends: [Backend(target: .service(name: policy.parentName, namespace: policy.parentNamespace,
                                                                 port: policy.parentPort))])
    }

    /// A route without matches matches every request (Gateway API's default of one `/`
    /// prefix match), whatever sent it.
    static func effectiveMatches(_ route: OutboundRoute) -> [HTTPMatch] {
        route.matches.isEmpty ? [HTTPMatch(path: .prefix("/"))] : route.matches
    }
}
