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

    @Test("seed 002: ServiceProfiles with conditions, response classes and timeouts")
    func seedServiceProfiles() throws {
        let sp = try S.roundTrip(Linkerd.ServiceProfile.self, """
        apiVersion: linkerd.io/v1alpha2
        kind: ServiceProfile
        metadata:
          name: my-app.my-app.svc.cluster.local
          namespace: my-app
        spec:
          routes:
          - name: GET /api/users/{id}
            condition:
              method: GET
              pathRegex: /api/users/[^/]+
            isRetryable: false
            timeout: 5s
            responseClasses:
            - condition:
                status:
                  min: 500
                  max: 599
              isFailure: true
        """)
        #expect(sp.spec?.routes?.first?.responseClasses?.first?.condition?.status == .init(min: 500, max: 599))
        try S.roundTrip(Linkerd.ServiceProfile.self, """
        apiVersion: linkerd.io/v1alpha2
        kind: ServiceProfile
        metadata:
          name: external-api.example.com
          namespace: my-app
        spec:
          routes:
          - name: GET /api/data
            condition:
              method: GET
              pathRegex: /api/data/.*
            timeout: 10s
        """)
    }

    @Test("seed 002: a route-level retry budget and a route without a condition")
    func seedRouteBudget() throws {
        let sp = try S.roundTrip(Linkerd.ServiceProfile.self, """
        apiVersion: linkerd.io/v1alpha2
        kind: ServiceProfile
        metadata:
          name: my-app.my-app.svc.cluster.local
        spec:
          routes:
          - name: GET /api
            isRetryable: true
            timeout: 5s
            retryBudget:
              minRetriesPerSecond: 10
              maxRetriesPerSecond: 100
              retryRatio: 0.2
        """)
        #expect(sp.spec?.routes?.first?.retryBudget?.maxRetriesPerSecond == 100)
        let sticky = try S.roundTrip(Linkerd.ServiceProfile.self, """
        apiVersion: linkerd.io/v1alpha2
        kind: ServiceProfile
        metadata:
          name: my-app.my-app.svc.cluster.local
        spec:
          routes:
          - name: GET /
            isRetryable: true
        """)
        #expect(sticky.spec?.routes?.first?.condition == nil)
    }

    @Test("ServiceProfile v1alpha1 and v1alpha2 with nested conditions, budget and overrides")
    func fullServiceProfile() throws {
        for version in ["v1alpha1", "v1alpha2"] {
            let sp = try S.roundTrip(Linkerd.ServiceProfile.self, """
            apiVersion: linkerd.io/\(version)
            kind: ServiceProfile
            metadata: {name: books.booksapp.svc.cluster.local, namespace: booksapp}
            spec:
              routes:
              - name: POST /books/{id}
                condition:
                  all:
                  - method: POST
                  - any: [{pathRegex: "/books/[0-9]+"}, {pathRegex: "/books/new"}]
                  - not: {pathRegex: "/books/0"}
                responseClasses:
                - condition:
                    any: [{status: {min: 500}}, {not: {status: {max: 399}}}]
                  isFailure: true
                isRetryable: true
                timeout: 1m30s
              retryBudget: {retryRatio: 0.2, minRetriesPerSecond: 10, ttl: 10s}
              dstOverrides:
              - {authority: books.booksapp.svc.cluster.local:7002, weight: 500m}
              - {authority: books-v2.booksapp.svc.cluster.local:7002, weight: 500}
            """)
            let all = try #require(sp.spec?.routes?.first?.condition?.all)
            #expect(all[2].not?.pathRegex == "/books/0")
            #expect(sp.spec?.dstOverrides?.first?.weight?.milliValue == 500)
            #expect(sp.spec?.dstOverrides?.last?.weight == .number(500))
        }
    }

    @Test("ExternalWorkload v1beta1 and v1alpha1")
    func externalWorkload() throws {
        for version in ["v1beta1", "v1alpha1"] {
            try S.roundTrip(Linkerd.ExternalWorkload.self, """
            apiVersion: workload.linkerd.io/\(version)
            kind: ExternalWorkload
            metadata:
              name: legacy-app
              namespace: mixed-env
              labels: {app: legacy-app, location: vm}
            spec:
              meshTLS:
                identity: "spiffe://root.linkerd.cluster.local/legacy-app"
                serverName: "legacy-app.cluster.local"
              workloadIPs: [{ip: 172.21.0.5}]
              ports:
              - {port: 80, name: http, protocol: TCP}
            """)
        }
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

    // MARK: Invalid input

    @Test("Server: selectors, port, protocol and version-gated fields")
    func badServer() {
        let errors = S.errors("""
        apiVersion: policy.linkerd.io/v1beta1
        kind: Server
        metadata: {name: s}
        spec:
          externalWorkloadSelector: {matchLabels: {app: vm}}
          port: Eighty
          proxyProtocol: HTTP/3
          accessPolicy: deny
        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: s}
        spec:
          podSelector: {matchLabels: {app: web}}
          externalWorkloadSelector: {matchLabels: {app: vm}}
          port: 0
          accessPolicy: allow-all
        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: s}
        spec:
          port: 80
        """)
        #expect(errors == [
            "test.yaml:5: spec.externalWorkloadSelector: externalWorkloadSelector needs policy.linkerd.io/v1beta2 or later, got policy.linkerd.io/v1beta1",
            "test.yaml:6: spec.port: expected a port number or name, got \"Eighty\" (a port name is at most 15 characters of a-z, 0-9 and '-', with at least one letter)",
            "test.yaml:7: spec.proxyProtocol: expected one of \"unknown\", \"HTTP/1\", \"HTTP/2\", \"gRPC\", \"opaque\", \"TLS\", got \"HTTP/3\"",
            "test.yaml:8: spec.accessPolicy: accessPolicy needs policy.linkerd.io/v1beta3, got policy.linkerd.io/v1beta1",
            "test.yaml:15: spec.externalWorkloadSelector: set only one of podSelector or externalWorkloadSelector",
            "test.yaml:16: spec.port: expected a port number from 1 to 65535, got 0",
            "test.yaml:17: spec.accessPolicy: expected one of \"all-unauthenticated\", \"all-authenticated\", \"cluster-authenticated\", \"cluster-unauthenticated\", \"deny\", \"audit\", got \"allow-all\"",
            "test.yaml:22: spec: set exactly one of podSelector or externalWorkloadSelector",
        ], "\(errors)")
    }

    @Test("AuthorizationPolicy: target and authentication kinds, counts and namespace")
    func badAuthorizationPolicy() {
        let errors = S.errors("""
        apiVersion: policy.linkerd.io/v1beta1
        kind: AuthorizationPolicy
        metadata: {name: p, namespace: faces}
        spec:
          targetRef: {kind: Namespace, name: other}
          requiredAuthenticationRefs:
          - {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: a}
          - {kind: ServiceAccount, name: b}
          - {group: policy.linkerd.io, kind: NetworkAuthentication, name: c}
          - {group: policy.linkerd.io, kind: NetworkAuthentication, name: d}
          - {group: policy.linkerd.io, kind: Server, name: e}
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: p}
        spec:
          targetRef: {group: apps, kind: Deployment, name: web}
        """)
        #expect(errors == [
            "test.yaml:5: spec.targetRef.name: a policy in namespace \"faces\" can only target its own Namespace, got \"other\"",
            "test.yaml:8: spec.requiredAuthenticationRefs[1].kind: a MeshTLSAuthentication and a ServiceAccount cannot be referenced together",
            "test.yaml:10: spec.requiredAuthenticationRefs[3].kind: only one NetworkAuthentication may be referenced",
            "test.yaml:11: spec.requiredAuthenticationRefs[4].kind: cannot refer to Server.policy.linkerd.io here; expected one of: MeshTLSAuthentication.policy.linkerd.io, NetworkAuthentication.policy.linkerd.io, ServiceAccount",
            "test.yaml:16: spec.requiredAuthenticationRefs: required field \"requiredAuthenticationRefs\" is missing",
            "test.yaml:17: spec.targetRef.kind: cannot refer to Deployment.apps here; expected one of: Server.policy.linkerd.io, HTTPRoute.policy.linkerd.io, HTTPRoute.gateway.networking.k8s.io, GRPCRoute.gateway.networking.k8s.io, Namespace",
        ], "\(errors)")
    }

    @Test("MeshTLSAuthentication: identity patterns, refs, exactly one of the two")
    func badMeshTLS() {
        let expected = "expected \"*\" or an identity such as \"default.faces.serviceaccount.identity.linkerd.cluster.local\" (only the leftmost labels may be \"*\"), got"
        let errors = S.errors("""
        apiVersion: policy.linkerd.io/v1beta1
        kind: MeshTLSAuthentication
        metadata: {name: m}
        spec:
          identities:
          - "default.*.serviceaccount.identity.linkerd.cluster.local"
          - "*.*.serviceaccount.identity.linkerd.cluster.local"
          - "Default.faces.serviceaccount"
          - "web"
          - "*.*"
          identityRefs: [{kind: ServiceAccount, name: web}]
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: MeshTLSAuthentication
        metadata: {name: m}
        spec:
          identityRefs:
          - {kind: Namespace, name: "*"}
          - {kind: Pod, name: web}
          - {kind: ServiceAccount, name: Web}
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: MeshTLSAuthentication
        metadata: {name: m}
        spec: {identities: []}
        """)
        #expect(errors == [
            "test.yaml:6: spec.identities[0]: \(expected) \"default.*.serviceaccount.identity.linkerd.cluster.local\"",
            "test.yaml:8: spec.identities[2]: \(expected) \"Default.faces.serviceaccount\"",
            "test.yaml:9: spec.identities[3]: \(expected) \"web\"",
            "test.yaml:10: spec.identities[4]: \(expected) \"*.*\"",
            "test.yaml:11: spec.identityRefs: set only one of identities or identityRefs",
            "test.yaml:18: spec.identityRefs[0].name: \"*\" is not a valid namespace name (a DNS label: lowercase letters, digits and '-', at most 63 characters)",
            "test.yaml:19: spec.identityRefs[1].kind: cannot refer to Pod here; expected one of: ServiceAccount, Namespace",
            "test.yaml:20: spec.identityRefs[2].name: \"Web\" is not a valid object name (lowercase letters, digits, '-' and '.')",
            "test.yaml:25: spec.identities: must not be empty",
        ], "\(errors)")
    }

    @Test("NetworkAuthentication and EgressNetwork: CIDRs and excepts inside them")
    func badNetworks() {
        let errors = S.errors("""
        apiVersion: policy.linkerd.io/v1alpha1
        kind: NetworkAuthentication
        metadata: {name: n}
        spec:
          networks:
          - cidr: 10.0.0.0/33
          - cidr: 10.0.0.0/8
            except: [11.0.0.0/16, 10.1.0.0/4, fd00::/64, 10.2.0.0/16, not-an-ip]
          - except: [10.0.0.1]
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: EgressNetwork
        metadata: {name: e}
        spec:
          networks: [{cidr: 1.2.3.4/40}]
        """)
        #expect(errors == [
            "test.yaml:6: spec.networks[0].cidr: expected a CIDR such as 10.0.0.0/8, got \"10.0.0.0/33\": bad prefix length \"33\"",
            "test.yaml:8: spec.networks[1].except[0]: 11.0.0.0/16 is not inside 10.0.0.0/8",
            "test.yaml:8: spec.networks[1].except[1]: 10.1.0.0/4 is not inside 10.0.0.0/8",
            "test.yaml:8: spec.networks[1].except[2]: fd00::/64 is not inside 10.0.0.0/8",
            "test.yaml:8: spec.networks[1].except[4]: expected a CIDR such as 10.0.0.0/8, got \"not-an-ip\": \"not-an-ip\" is not an IPv4 or IPv6 address",
            "test.yaml:9: spec.networks[2].cidr: required field \"cidr\" is missing",
            "test.yaml:14: spec.trafficPolicy: required field \"trafficPolicy\" is missing",
            "test.yaml:15: spec.networks[0].cidr: expected a CIDR such as 10.0.0.0/8, got \"1.2.3.4/40\": bad prefix length \"40\"",
        ], "\(errors)")
    }

    @Test("ServerAuthorization: server and client shape")
    func badServerAuthorization() {
        let errors = S.errors("""
        apiVersion: policy.linkerd.io/v1beta1
        kind: ServerAuthorization
        metadata: {name: a}
        spec:
          server: {name: web, selector: {matchLabels: {app: web}}}
          client:
            unauthenticated: true
            meshTLS: {unauthenticatedTLS: true, identities: ["bad identity"]}
        ---
        apiVersion: policy.linkerd.io/v1beta1
        kind: ServerAuthorization
        metadata: {name: a}
        spec:
          server: {}
          client: {}
        """)
        #expect(errors == [
            "test.yaml:5: spec.server: set exactly one of name or selector",
            "test.yaml:8: spec.client.meshTLS: meshTLS cannot be combined with unauthenticated: true",
            "test.yaml:8: spec.client.meshTLS.identities[0]: expected \"*\" or an identity such as \"default.faces.serviceaccount.identity.linkerd.cluster.local\" (only the leftmost labels may be \"*\"), got \"bad identity\"",
            "test.yaml:8: spec.client.meshTLS.unauthenticatedTLS: unauthenticatedTLS cannot be combined with identities or serviceAccounts",
            "test.yaml:14: spec.server: set exactly one of name or selector",
            "test.yaml:15: spec.client: set meshTLS, or unauthenticated: true to allow clients without mesh identity",
        ], "\(errors)")
    }

    @Test("policy.linkerd.io HTTPRoute: parent kinds and supported filters")
    func badLinkerdRoute() {
        let errors = S.errors("""
        apiVersion: policy.linkerd.io/v1beta3
        kind: HTTPRoute
        metadata: {name: r}
        spec:
          parentRefs:
          - {name: gw}
          - {name: web, kind: Server}
          rules:
          - filters:
            - type: RequestMirror
              requestMirror: {backendRef: {name: shadow, port: 80}}
        """)
        #expect(errors == [
            "test.yaml:6: spec.parentRefs[0].kind: cannot refer to Gateway.policy.linkerd.io here; expected one of: Server.policy.linkerd.io, Service, EgressNetwork.policy.linkerd.io",
            "test.yaml:10: spec.rules[0].filters[0].type: policy.linkerd.io HTTPRoute does not support RequestMirror filters (expected one of: RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect); use a gateway.networking.k8s.io HTTPRoute",
        ], "\(errors)")
    }

    @Test("HTTPLocalRateLimitPolicy: Server targets, limits within the total")
    func badRateLimit() {
        let errors = S.errors("""
        apiVersion: policy.linkerd.io/v1alpha1
        kind: HTTPLocalRateLimitPolicy
        metadata: {name: rl}
        spec:
          targetRef: {group: policy.linkerd.io, kind: HTTPRoute, name: web}
          total: {requestsPerSecond: 10}
          identity: {requestsPerSecond: 20}
          overrides:
          - requestsPerSecond: -1
            clientRefs: [{kind: Namespace, name: faces}]
          - requestsPerSecond: 11
            clientRefs: []
        """)
        #expect(errors == [
            "test.yaml:5: spec.targetRef.kind: cannot refer to HTTPRoute.policy.linkerd.io here; expected one of: Server.policy.linkerd.io",
            "test.yaml:7: spec.identity.requestsPerSecond: identity requestsPerSecond (20) must not exceed total.requestsPerSecond (10)",
            "test.yaml:9: spec.overrides[0].requestsPerSecond: requestsPerSecond must be 0 or more, got -1",
            "test.yaml:10: spec.overrides[0].clientRefs[0].kind: cannot refer to Namespace here; expected one of: ServiceAccount",
            "test.yaml:11: spec.overrides[1].requestsPerSecond: an override's requestsPerSecond (11) must not exceed total.requestsPerSecond (10)",
            "test.yaml:12: spec.overrides[1].clientRefs: must not be empty",
        ], "\(errors)")
    }

    @Test("ServiceProfile: regexes, timeouts, status ranges, budget and weights")
    func badServiceProfile() {
        let errors = S.errors("""
        apiVersion: linkerd.io/v1alpha2
        kind: ServiceProfile
        metadata: {name: web.faces.svc.cluster.local}
        spec:
          routes:
          - name: a
            condition: {pathRegex: "/(oops", method: "GET POST"}
            timeout: soon
            responseClasses:
            - condition: {status: {min: 600, max: 500}}
            - condition: {}
          - name: a
            condition: {not: {}}
          retryBudget: {retryRatio: -0.5, ttl: 10, minRetriesPerSecond: 10, maxRetriesPerSecond: 5}
          dstOverrides:
          - {authority: "web:99999", weight: 5x}
          - {authority: web-v2, weight: -1}
        """)
        #expect(errors.count == 14, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("test.yaml:7: spec.routes[0].condition.pathRegex: regular expression \"/(oops\" does not compile:") }, "\(errors)")
        #expect(errors.contains("test.yaml:7: spec.routes[0].condition.method: expected a valid HTTP method name (letters, digits and !#$%&'*+-.^_`|~), got \"GET POST\""), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("test.yaml:8: spec.routes[0].timeout: expected a duration such as 5s, 100ms or 1m30s, got \"soon\"") }, "\(errors)")
        #expect(errors.contains("test.yaml:10: spec.routes[0].responseClasses[0].condition.status.max: expected an HTTP status from 100 to 599, got 600") == false)
        #expect(errors.contains("test.yaml:10: spec.routes[0].responseClasses[0].condition.status.min: expected an HTTP status from 100 to 599, got 600"), "\(errors)")
        #expect(errors.contains("test.yaml:10: spec.routes[0].responseClasses[0].condition.status.min: min (600) must not be greater than max (500)"), "\(errors)")
        #expect(errors.contains("test.yaml:11: spec.routes[1].responseClasses[1].condition: a condition needs at least one of status, all, any or not") == false)
        #expect(errors.contains("test.yaml:11: spec.routes[0].responseClasses[1].condition: a condition needs at least one of status, all, any or not"), "\(errors)")
        #expect(errors.contains("test.yaml:12: spec.routes[1].name: route name \"a\" is used twice"), "\(errors)")
        #expect(errors.contains("test.yaml:13: spec.routes[1].condition.not: a condition needs at least one of method, pathRegex, all, any or not"), "\(errors)")
        #expect(errors.contains("test.yaml:14: spec.retryBudget.ttl: expected a string, got the number 10 (quote it: \"10\")"), "\(errors)")
        #expect(errors.contains("test.yaml:14: spec.retryBudget.maxRetriesPerSecond: maxRetriesPerSecond (5) must not be less than minRetriesPerSecond (10)"), "\(errors)")
        #expect(errors.contains("test.yaml:14: spec.retryBudget.retryRatio: retryRatio must be 0 or more, got -0.5"), "\(errors)")
        #expect(errors.contains("test.yaml:16: spec.dstOverrides[0].authority: expected an authority such as \"web.faces.svc.cluster.local:80\", got \"web:99999\""), "\(errors)")
        #expect(errors.contains("test.yaml:16: spec.dstOverrides[0].weight: expected a weight such as 100 or \"500m\", got \"5x\""), "\(errors)")
        #expect(errors.contains("test.yaml:17: spec.dstOverrides[1].weight: weight must be 0 or more, got -1"), "\(errors)")
    }

    @Test("ExternalWorkload: identity, server name, ports and IPs")
    func badExternalWorkload() {
        let errors = S.errors("""
        apiVersion: workload.linkerd.io/v1beta1
        kind: ExternalWorkload
        metadata: {name: vm}
        spec:
          meshTLS: {identity: "*", serverName: "Not A Name"}
          ports:
          - {port: 80, name: http}
          - {port: 80, name: http}
          - {port: 0, name: "way-too-long-port-name"}
          workloadIPs: [{ip: 300.1.1.1}]
        ---
        apiVersion: workload.linkerd.io/v1alpha1
        kind: ExternalWorkload
        metadata: {name: vm}
        spec: {ports: []}
        """)
        #expect(errors == [
            "test.yaml:5: spec.meshTLS.identity: expected a workload identity such as \"spiffe://root.linkerd.cluster.local/vm-1\", got \"*\"",
            "test.yaml:5: spec.meshTLS.serverName: expected a DNS name, got \"Not A Name\"",
            "test.yaml:8: spec.ports[1].name: port name \"http\" is used twice",
            "test.yaml:8: spec.ports[1].port: port 80 is listed twice",
            "test.yaml:9: spec.ports[2].name: \"way-too-long-port-name\" is not a valid port name (at most 15 characters of a-z, 0-9 and '-', with at least one letter)",
            "test.yaml:9: spec.ports[2].port: expected a port number from 1 to 65535, got 0",
            "test.yaml:10: spec.workloadIPs[0].ip: expected an IP address, got \"300.1.1.1\"",
            "test.yaml:15: spec.meshTLS: required field \"meshTLS\" is missing",
        ], "\(errors)")
    }

    @Test("identity patterns", arguments: [
        ("*", true), ("default.faces.serviceaccount.identity.linkerd.cluster.local", true),
        ("*.faces.serviceaccount.identity.linkerd.cluster.local", true), ("*.*.serviceaccount.identity.linkerd.cluster.local", true),
        ("spiffe://root.linkerd.cluster.local/ns/faces/sa/web", true), ("spiffe://example.org", true),
        ("default.*.serviceaccount.identity", false), ("*.*", false), ("web", false), ("Web.faces", false),
        ("web..faces", false), ("spiffe://", false), ("spiffe://Example.org/x", false), ("spiffe://a.org/x//y", false), ("", false),
    ])
    func identityPatterns(identity: String, valid: Bool) {
        #expect(Linkerd.isIdentityPattern(identity) == valid)
    }
}
