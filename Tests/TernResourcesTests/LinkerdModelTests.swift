import Testing
import Yams
@testable import TernResources

@Suite("Linkerd models")
struct LinkerdModelTests {
    typealias S = ManifestTestSupport

    // MARK: Round trips: seeds 000 and 002, and the shapes in Linkerd's docs

    @Test("seed 002: Servers at v1beta1")
    func seedServers() throws {
        let legacy = try S.roundTrip(Linkerd.Server.self, """
        apiVersion: policy.linkerd.io/v1beta1
        kind: Server
        metadata:
          name: legacy
          namespace: my-app
        spec:
          podSelector:
            matchLabels:
              app: legacy-app
          port: 80
          proxyProtocol: "unknown"   # accept plain or mTLS
        """)
        #expect(legacy.spec?.proxyProtocol == .unknown)
        #expect(legacy.spec?.port == .number(80))
        let h2 = try S.roundTrip(Linkerd.Server.self, """
        apiVersion: policy.linkerd.io/v1beta1
        kind: Server
        metadata:
          name: my-app
          namespace: my-app
        spec:
          podSelector:
            matchLabels:
              app: my-app
          port: 80
          proxyProtocol: HTTP/2
        """)
        #expect(h2.spec?.proxyProtocol == .http2)
    }

    @Test("Servers at v1beta2 (external workloads) and v1beta3 (accessPolicy)")
    func newerServers() throws {
        try S.roundTrip(Linkerd.Server.self, """
        apiVersion: policy.linkerd.io/v1beta2
        kind: Server
        metadata: {name: vm-http, namespace: mixed}
        spec:
          externalWorkloadSelector: {matchLabels: {app: legacy-vm}}
          port: http
          proxyProtocol: HTTP/1
        """)
        let s = try S.roundTrip(Linkerd.Server.self, """
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: web-http, namespace: emojivoto}
        spec:
          podSelector:
            matchExpressions: [{key: app, operator: In, values: [web, web-canary]}]
          port: 8080
          proxyProtocol: gRPC
          accessPolicy: cluster-authenticated
        """)
        #expect(s.spec?.accessPolicy == .clusterAuthenticated)
    }

    @Test("seed 002: AuthorizationPolicy v1beta1 with MeshTLSAuthentications by identityRefs")
    func seedAuthorization() throws {
        let policy = try S.roundTrip(Linkerd.AuthorizationPolicy.self, """
        # AuthorizationPolicy (allow from same mesh)
        apiVersion: policy.linkerd.io/v1beta1
        kind: AuthorizationPolicy
        metadata:
          name: allow-mesh
          namespace: my-app
        spec:
          targetRef:
            group: policy.linkerd.io
            kind: Server
            name: my-app
          requiredAuthenticationRefs:
          - group: policy.linkerd.io
            kind: MeshTLSAuthentication
            name: allow-mesh
        """)
        #expect(policy.spec?.targetRef?.kind == "Server")
        try S.roundTrip(Linkerd.MeshTLSAuthentication.self, """
        apiVersion: policy.linkerd.io/v1beta1
        kind: MeshTLSAuthentication
        metadata:
          name: allow-mesh
          namespace: my-app
        spec:
          identityRefs:
          - group: core
            kind: ServiceAccount
            name: "*"   # any service account in the mesh
        """)
        try S.roundTrip(Linkerd.MeshTLSAuthentication.self, """
        apiVersion: policy.linkerd.io/v1beta1
        kind: MeshTLSAuthentication
        metadata:
          name: allow-from-ns-x
          namespace: my-app
        spec:
          identityRefs:
          - group: core
            kind: ServiceAccount
            name: app-x-sa
            namespace: app-x
        """)
    }

    @Test("seed 000: the Istio migration's v1alpha1 MeshTLSAuthentication and Namespace policy")
    func seedMigrationPolicy() throws {
        let authn = try S.roundTrip(Linkerd.MeshTLSAuthentication.self, """
        apiVersion: policy.linkerd.io/v1alpha1
        kind: MeshTLSAuthentication
        metadata:
          name: ingress-or-faces
          namespace: faces
        spec:
          identities:
          - "ingress-sa.ingress-ns.serviceaccount.identity.linkerd.cluster.local"
          - "default.faces.serviceaccount.identity.linkerd.cluster.local"
        """)
        #expect(authn.spec?.identities?.count == 2)
        try S.roundTrip(Linkerd.AuthorizationPolicy.self, """
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata:
          name: ingress-or-faces
          namespace: faces
        spec:
          targetRef:
            kind: Namespace
            name: faces
          requiredAuthenticationRefs:
          - group: policy.linkerd.io
            kind: MeshTLSAuthentication
            name: ingress-or-faces
        """)
    }

    @Test("AuthorizationPolicy on routes, with network and service-account authentication")
    func routePolicies() throws {
        try S.roundTrip(Linkerd.AuthorizationPolicy.self, """
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: authors-probe, namespace: booksapp}
        spec:
          targetRef: {group: policy.linkerd.io, kind: HTTPRoute, name: authors-probe-route}
          requiredAuthenticationRefs:
          - {group: policy.linkerd.io, kind: NetworkAuthentication, name: authors-probe-authn, namespace: booksapp}
          - {kind: ServiceAccount, name: books, namespace: booksapp}
        """)
        try S.roundTrip(Linkerd.AuthorizationPolicy.self, """
        apiVersion: policy.linkerd.io/v1beta1
        kind: AuthorizationPolicy
        metadata: {name: grpc, namespace: emojivoto}
        spec:
          targetRef: {group: gateway.networking.k8s.io, kind: GRPCRoute, name: emoji}
          requiredAuthenticationRefs: []
        """)
    }

    @Test("MeshTLSAuthentication with wildcard identities and Namespace refs")
    func wildcardIdentities() throws {
        try S.roundTrip(Linkerd.MeshTLSAuthentication.self, """
        apiVersion: policy.linkerd.io/v1alpha1
        kind: MeshTLSAuthentication
        metadata: {name: all, namespace: faces}
        spec:
          identities: ["*", "*.faces.serviceaccount.identity.linkerd.cluster.local", "spiffe://root.linkerd.cluster.local/vm-1"]
        """)
        try S.roundTrip(Linkerd.MeshTLSAuthentication.self, """
        apiVersion: policy.linkerd.io/v1beta1
        kind: MeshTLSAuthentication
        metadata: {name: ns, namespace: faces}
        spec:
          identityRefs: [{kind: Namespace, name: ingress}]
        """)
    }

    @Test("NetworkAuthentication v1alpha1 and v1beta1")
    func networkAuthentication() throws {
        for version in ["v1alpha1", "v1beta1"] {
            let n = try S.roundTrip(Linkerd.NetworkAuthentication.self, """
            apiVersion: policy.linkerd.io/\(version)
            kind: NetworkAuthentication
            metadata: {name: cluster-network, namespace: booksapp}
            spec:
              networks:
              - cidr: 10.0.0.0/8
                except: [10.1.0.0/16, 10.2.3.4]
              - cidr: 100.64.0.0/10
              - cidr: fd00::/8
            """)
            #expect(n.spec?.networks?.first?.except?.count == 2)
        }
    }

    @Test("ServerAuthorization v1beta1")
    func serverAuthorization() throws {
        try S.roundTrip(Linkerd.ServerAuthorization.self, """
        apiVersion: policy.linkerd.io/v1beta1
        kind: ServerAuthorization
        metadata: {name: web-public, namespace: emojivoto}
        spec:
          server: {name: web-http}
          client:
            meshTLS:
              identities: ["*.emojivoto.serviceaccount.identity.linkerd.cluster.local"]
              serviceAccounts: [{name: web}, {name: vote-bot, namespace: emojivoto}]
        """)
        try S.roundTrip(Linkerd.ServerAuthorization.self, """
        apiVersion: policy.linkerd.io/v1beta1
        kind: ServerAuthorization
        metadata: {name: probes, namespace: emojivoto}
        spec:
          server:
            selector: {matchLabels: {emojivoto/api: internal-grpc}}
          client:
            unauthenticated: true
            networks: [{cidr: 0.0.0.0/0, except: [10.0.0.0/8]}]
        """)
    }

    @Test("policy.linkerd.io HTTPRoute at every version")
    func linkerdHTTPRoute() throws {
        for version in ["v1alpha1", "v1beta1", "v1beta2", "v1beta3"] {
            let route = try S.roundTrip(Linkerd.HTTPRoute.self, """
            apiVersion: policy.linkerd.io/\(version)
            kind: HTTPRoute
            metadata: {name: authors-get-route, namespace: booksapp}
            spec:
              parentRefs:
              - {name: authors-server, kind: Server, group: policy.linkerd.io}
              - {name: authors, kind: Service, group: core, port: 7001}
              rules:
              - matches:
                - path: {value: /authors.json}
                  method: GET
                - path: {value: "/authors/", type: PathPrefix}
                  method: GET
                filters:
                - type: RequestHeaderModifier
                  requestHeaderModifier: {set: [{name: x-route, value: authors}]}
                backendRefs: [{name: authors, port: 7001}]
                timeouts: {request: 10s}
            """)
            #expect(route.apiVersion == "policy.linkerd.io/\(version)")
        }
    }

    @Test("HTTPLocalRateLimitPolicy v1alpha1")
    func rateLimit() throws {
        try S.roundTrip(Linkerd.HTTPLocalRateLimitPolicy.self, """
        apiVersion: policy.linkerd.io/v1alpha1
        kind: HTTPLocalRateLimitPolicy
        metadata: {name: web-rl, namespace: emojivoto}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: web-http}
          total: {requestsPerSecond: 100}
          identity: {requestsPerSecond: 20}
          overrides:
          - requestsPerSecond: 25
            clientRefs: [{kind: ServiceAccount, namespace: emojivoto, name: vote-bot}]
        """)
    }

    @Test("EgressNetwork v1alpha1")
    func egressNetwork() throws {
        try S.roundTrip(Linkerd.EgressNetwork.self, """
        apiVersion: policy.linkerd.io/v1alpha1
        kind: EgressNetwork
        metadata: {namespace: egress-test, name: all-egress-traffic}
        spec:
          trafficPolicy: Allow
        """)
        try S.roundTrip(Linkerd.EgressNetwork.self, """
        apiVersion: policy.linkerd.io/v1alpha1
        kind: EgressNetwork
        metadata: {namespace: linkerd-egress, name: internet}
        spec:
          trafficPolicy: Deny
          networks: [{cidr: 0.0.0.0/0, except: [10.0.0.0/8, 192.168.0.0/16]}]
        """)
    }

    @Test("models built in code encode with their preferred apiVersion")
    func builtInCode() throws {
        let policy = Linkerd.AuthorizationPolicy(
            metadata: ObjectMeta(name: "allow", namespace: "faces"),
            spec: .init(targetRef: .init(kind: "Namespace", name: "faces"),
                        requiredAuthenticationRefs: [.init(group: "policy.linkerd.io", kind: "MeshTLSAuthentication", name: "allow")]))
        #expect(policy.apiVersion == "policy.linkerd.io/v1beta1")
        let server = Linkerd.Server(metadata: ObjectMeta(name: "web", namespace: "faces"),
                                    spec: .init(podSelector: .init(matchLabels: ["app": "web"]), port: .name("http"), accessPolicy: .deny))
        #expect(server.apiVersion == "policy.linkerd.io/v1beta3")
        let sp = Linkerd.ServiceProfile(metadata: ObjectMeta(name: "web.faces.svc.cluster.local", namespace: "faces"),
                                        spec: .init(routes: [.init(name: "GET /", condition: .init(not: .init(method: "POST")))]))
        for yaml in [try YAMLEncoder().encode(policy), try YAMLEncoder().encode(server), try YAMLEncoder().encode(sp)] {
            #expect(S.valid(yaml).count == 1)
        }
        #expect(S.valid(try YAMLEncoder().encode(sp)).first?.as(Linkerd.ServiceProfile.self) == sp)
    }
}
