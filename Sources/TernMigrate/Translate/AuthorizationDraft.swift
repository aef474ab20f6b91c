import TernResources

/// Tern (Linkerd) authorization objects to emit, before they become models: kept as plain
/// values so the translation can merge and de-duplicate them first.
struct AuthorizationDraft {
    struct Server: Hashable {
        var name: String
        var namespace: String
        var podLabels: [String: String]
        var port: PortRef
    }

    struct MeshAuthentication: Hashable {
        var name: String
        var namespace: String
        var identities: [String]
    }

    struct NetworkAuthentication: Hashable {
        var name: String
        var namespace: String
        var networks: [String]
    }

    /// A `policy.linkerd.io` HTTPRoute on a Server.
    struct Route: Hashable {
        var name: String
        var namespace: String
        var server: String
        var matches: [GatewayAPI.HTTPRouteMatch]
    }

    enum Target: Hashable {
        case namespace(String)
        case server(String)
        case route(String)
    }

    enum Authentication: Hashable {
        case mesh(String)
        case network(String)
    }

    struct Policy: Hashable {
        var name: String
        var namespace: String
        var target: Target
        var authentications: [Authentication]
        var source: ObjectRef
    }

    var servers: [Server] = []
    var meshAuthentications: [MeshAuthentication] = []
    var networkAuthentications: [NetworkAuthentication] = []
    var routes: [Route] = []
    var policies: [Policy] = []
    /// Where each emitted object came from, by `kind/namespace/name`.
    var sources: [String: ObjectRef] = [:]
}
