import Testing
import TernCore
import TernPolicy
import TernResources
@testable import TernControl

@Suite("Inbound index")
struct InboundIndexTests {
    static let pods = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: my-app}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web-1, namespace: my-app, labels: {app: my-app}}
    spec:
      serviceAccountName: web
      containers: [{name: web, ports: [{name: http, containerPort: 80}, {name: admin, containerPort: 9990}]}]
    status: {phase: Running, podIP: 10.1.0.5}
    """
    static let server = """

    ---
    apiVersion: policy.linkerd.io/v1beta1
    kind: Server
    metadata: {name: my-app, namespace: my-app}
    spec:
      podSelector: {matchLabels: {app: my-app}}
      port: http
      proxyProtocol: HTTP/2
    """
    let id = "web.my-app.serviceaccount.identity.tern.cluster.local"

    func policy(_ yaml: String, port: Int = 80) -> InboundPolicy {
        InboundIndex(state: clusterState(yaml)).policy(namespace: "my-app", workload: "web-1", port: port)
    }

    @Test("without a Server the default policy applies; a Server with no authorization denies all")
    func defaultsAndBareServer() {
        #expect(policy(Self.pods).serverName == "all-unauthenticated")
        let bare = policy(Self.pods + Self.server)
        #expect(bare.serverKind == "server" && bare.serverName == "my-app")
        #expect(bare.serverProtocol == .http2)
        #expect(bare.authorizations.isEmpty)
        // The named port resolves on the pod; other ports keep the default.
        #expect(policy(Self.pods + Self.server, port: 9990).serverKind == "default")
    }

    @Test("seed 002's allow-mesh: any meshed service account")
    func allowMesh() {
        let p = policy(Self.pods + Self.server + """

        ---
        apiVersion: policy.linkerd.io/v1beta1
        kind: AuthorizationPolicy
        metadata: {name: allow-mesh, namespace: my-app}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: my-app}
          requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: allow-mesh}]
        ---
        apiVersion: policy.linkerd.io/v1beta1
        kind: MeshTLSAuthentication
        metadata: {name: allow-mesh, namespace: my-app}
        spec:
          identityRefs: [{group: core, kind: ServiceAccount, name: "*"}]
        """)
        #expect(p.authorizations == [ClientAuthorization(networks: ClientAuthorization.allNetworks, authentication: .meshTLS([.any]),
                                                         kind: "authorizationpolicy", name: "allow-mesh")])
    }

    @Test("seed 000's ingress-or-faces: namespace-wide policy with exact identities, plus networks")
    func namespacePolicyWithNetworks() throws {
        let p = policy(Self.pods + Self.server + """

        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: MeshTLSAuthentication
        metadata: {name: ingress-or-faces, namespace: my-app}
        spec:
          identities: ["ingress-sa.ingress-ns.serviceaccount.identity.linkerd.cluster.local", "*.my-app.serviceaccount.identity.tern.cluster.local"]
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: NetworkAuthentication
        metadata: {name: cluster, namespace: my-app}
        spec:
          networks: [{cidr: 10.0.0.0/8, except: [10.9.0.0/16]}]
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: ingress-or-faces, namespace: my-app}
        spec:
          targetRef: {kind: Namespace, name: my-app}
          requiredAuthenticationRefs:
          - {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: ingress-or-faces}
          - {group: policy.linkerd.io, kind: NetworkAuthentication, name: cluster}
        """)
        let authz = try #require(p.authorizations.first)
        #expect(authz.authentication == .meshTLS([.exact("ingress-sa.ingress-ns.serviceaccount.identity.linkerd.cluster.local"),
                                                  .suffix("my-app.serviceaccount.identity.tern.cluster.local")]))
        #expect(authz.networks == [ClientAuthorization.Network(cidr: try CIDR(parsing: "10.0.0.0/8"), except: [try CIDR(parsing: "10.9.0.0/16")])])
    }

    @Test("fail closed: a missing authentication or an empty list authorizes nobody")
    func failClosed() {
        let missing = policy(Self.pods + Self.server + """

        ---
        apiVersion: policy.linkerd.io/v1beta1
        kind: AuthorizationPolicy
        metadata: {name: dangling, namespace: my-app}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: my-app}
          requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: not-there}]
        ---
        apiVersion: policy.linkerd.io/v1beta1
        kind: AuthorizationPolicy
        metadata: {name: deny-all, namespace: my-app}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: my-app}
          requiredAuthenticationRefs: []
        """)
        #expect(missing.authorizations.isEmpty)
    }

    @Test("a ServiceAccount reference and the legacy ServerAuthorization")
    func serviceAccountsAndLegacy() {
        let p = policy(Self.pods + Self.server + """

        ---
        apiVersion: policy.linkerd.io/v1beta1
        kind: AuthorizationPolicy
        metadata: {name: from-web, namespace: my-app}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: my-app}
          requiredAuthenticationRefs: [{kind: ServiceAccount, name: web}]
        ---
        apiVersion: policy.linkerd.io/v1beta1
        kind: ServerAuthorization
        metadata: {name: legacy, namespace: my-app}
        spec:
          server: {name: my-app}
          client: {meshTLS: {unauthenticatedTLS: true}}
        """)
        #expect(p.authorizations.map(\.authentication) == [.meshTLS([.exact(id)]), .tlsUnauthenticated])
        #expect(p.authorizations.map(\.kind) == ["authorizationpolicy", "serverauthorization"])
    }

    @Test("a v1beta3 Server's accessPolicy is the fallback; routes carry their own authorizations; rate limits attach")
    func accessPolicyRoutesAndRateLimit() throws {
        let yaml = Self.pods + """

        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: my-app, namespace: my-app}
        spec:
          podSelector: {matchLabels: {app: my-app}}
          port: 80
          accessPolicy: all-authenticated
        """
        #expect(policy(yaml).authorizations.map(\.authentication) == [.meshTLS([.any])])
        let withRoute = policy(yaml + """

        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: HTTPRoute
        metadata: {name: health, namespace: my-app}
        spec:
          parentRefs: [{group: policy.linkerd.io, kind: Server, name: my-app}]
          rules: [{matches: [{path: {type: Exact, value: /healthz}, method: GET}]}]
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: NetworkAuthentication
        metadata: {name: kubelet, namespace: my-app}
        spec: {networks: [{cidr: 0.0.0.0/0}]}
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: probes, namespace: my-app}
        spec:
          targetRef: {group: policy.linkerd.io, kind: HTTPRoute, name: health}
          requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: NetworkAuthentication, name: kubelet}]
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: HTTPLocalRateLimitPolicy
        metadata: {name: limit, namespace: my-app}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: my-app}
          total: {requestsPerSecond: 100}
          identity: {requestsPerSecond: 20}
        """)
        let route = try #require(withRoute.routes.first)
        #expect(route.matches == [HTTPMatch(path: .exact("/healthz"), method: "GET")])
        #expect(route.authorizations.map(\.authentication) == [.unauthenticated])
        #expect(withRoute.authorizations.isEmpty, "with a route authorized, the fallback does not apply")
        #expect(withRoute.rateLimit == RateLimit(totalPerSecond: 100, perIdentityPerSecond: 20))
    }

    @Test("default policies: pod annotation over namespace over controller; opaque ports")
    func defaultPolicyLayers() {
        let ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: my-app, annotations: {config.linkerd.io/default-inbound-policy: cluster-authenticated}}\n"
        let pod = """
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web-1, namespace: my-app, annotations: {config.linkerd.io/default-inbound-policy: deny, config.linkerd.io/opaque-ports: "5432"}}
        spec: {containers: [{name: web}]}
        """
        let index = InboundIndex(state: clusterState(ns + pod), config: MeshConfig(defaultInboundPolicy: .allAuthenticated))
        let p = index.policy(namespace: "my-app", workload: "web-1", port: 5432)
        #expect(p.serverName == "deny" && p.authorizations.isEmpty)
        #expect(p.serverProtocol == .opaque)
        #expect(index.policy(namespace: "my-app", workload: "other", port: 80).serverName == "cluster-authenticated")
        #expect(index.policy(namespace: "elsewhere", workload: "x", port: 80).serverName == "all-authenticated")
        let audit = InboundIndex(state: ClusterState(), config: MeshConfig(defaultInboundPolicy: .audit)).policy(namespace: "a", workload: "b", port: 1)
        #expect(audit.auditOnly)
    }
}
