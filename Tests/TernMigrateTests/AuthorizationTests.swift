import Testing
import TernResources
@testable import TernMigrate

/// AuthorizationPolicy, ServiceEntry and their findings: what becomes Tern policy, and the
/// exposure left by what cannot.
@Suite struct AuthorizationTests {
    static let workloads = FindingTests.web

    static func objects<R: KubeResource>(_ result: MigrationResult, _ type: R.Type) -> [R] {
        result.manifests.compactMap { $0 as? R }
    }

    @Test func selectedWorkloadWithSourcesAndPorts() throws {
        let result = MigrateSupport.migrate(Self.workloads + """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          rules:
          - from:
            - source: {namespaces: [checkout], ipBlocks: [10.1.0.0/16]}
            - source: {principals: ["cluster.local/ns/ops/sa/*"]}
            to: [{operation: {ports: ["8080"]}}]
        """)
        let servers = Self.objects(result, Linkerd.Server.self)
        #expect(servers.map(\.name) == ["web-http"])
        #expect(servers.first?.spec?.port == .name("http"))
        let mesh = Self.objects(result, Linkerd.MeshTLSAuthentication.self).map { $0.spec?.identities ?? [] }
        #expect(mesh == [["*.checkout.serviceaccount.identity.tern.cluster.local"], ["*.ops.serviceaccount.identity.tern.cluster.local"]])
        #expect(Self.objects(result, Linkerd.NetworkAuthentication.self).first?.spec?.networks == [Linkerd.Network(cidr: "10.1.0.0/16")])
        let policies = Self.objects(result, Linkerd.AuthorizationPolicy.self)
        #expect(policies.count == 2)
        // Namespace and network of one source must both hold: two required authentications.
        #expect(policies[0].spec?.requiredAuthenticationRefs?.map(\.kind) == ["MeshTLSAuthentication", "NetworkAuthentication"])
        #expect(policies.allSatisfy { $0.spec?.targetRef == Linkerd.LocalTargetRef(group: "policy.linkerd.io", kind: "Server", name: "web-http") })
        // Selector-scoped: the workload (not the namespace) defaults to deny.
        #expect(result.patches.first?.annotations == [TranslationContext.defaultInboundPolicy: "deny"])
        #expect(Self.objects(result, Namespace.self).isEmpty)
        #expect(result.exitCode == 0, "\(result.findings)")
        _ = try MigrateSupport.manifests(result)
    }

    @Test func exposuresAreSecurityFindings() throws {
        let result = MigrateSupport.migrate(Self.workloads + """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: deny-admin, namespace: shop}
        spec:
          action: DENY
          rules: [{to: [{operation: {paths: [/admin]}}]}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: ext, namespace: shop}
        spec:
          action: CUSTOM
          provider: {name: opa}
          rules: [{to: [{operation: {paths: [/api/*]}}]}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: web, namespace: shop}
        spec:
          rules:
          - from: [{source: {requestPrincipals: ["*"], notPrincipals: [cluster.local/ns/shop/sa/robot]}}]
            to: [{operation: {methods: [GET, FETCH], notPaths: [/private], hosts: [shop.example.com]}}]
            when: [{key: "request.auth.claims[group]", values: [admins]}]
        """)
        let security = result.findings.filter { $0.severity == .securityRelevant }.map { "\($0.object) \($0.field)" }
        #expect(security.contains("AuthorizationPolicy shop/deny-admin spec"))
        #expect(security.contains("AuthorizationPolicy shop/ext spec"))
        #expect(security.contains("AuthorizationPolicy shop/web spec.rules[0].when"))
        #expect(security.contains("AuthorizationPolicy shop/web spec.rules[0].from[0].source.requestPrincipals"))
        #expect(security.contains("AuthorizationPolicy shop/web spec.rules[0].from[0].source.notPrincipals"))
        #expect(security.contains("AuthorizationPolicy shop/web spec.rules[0].to[0].operation.notPaths"))
        #expect(security.contains("AuthorizationPolicy shop/web spec.rules[0].to[0].operation.hosts"))
        #expect(result.findings.contains { $0.field == "spec.rules[0].to[0].operation.methods" && $0.severity == .behaviourChange })
        // The GET part still becomes a route-scoped authorization on the Server.
        let route = try #require(Self.objects(result, Linkerd.HTTPRoute.self).first)
        #expect(route.spec?.rules?.first?.matches == [GatewayAPI.HTTPRouteMatch(method: .get)])
        #expect(result.exitCode == 3)
        _ = try MigrateSupport.manifests(result)
    }

    @Test func ruleWithoutSourceAllowsEveryClient() throws {
        let result = MigrateSupport.migrate(Self.workloads + """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: public-health, namespace: shop}
        spec:
          rules: [{to: [{operation: {paths: [/healthz], methods: [GET]}}]}]
        """)
        #expect(Self.objects(result, Linkerd.NetworkAuthentication.self).first?.spec?.networks == [Linkerd.Network(cidr: "0.0.0.0/0"), Linkerd.Network(cidr: "::/0")])
        #expect(Self.objects(result, Namespace.self).first?.metadata.annotations?[TranslationContext.defaultInboundPolicy] == "deny")
        let route = try #require(Self.objects(result, Linkerd.HTTPRoute.self).first)
        #expect(route.spec?.rules?.first?.matches == [GatewayAPI.HTTPRouteMatch(path: GatewayAPI.HTTPPathMatch(type: .exact, value: "/healthz"), method: .get)])
        _ = try MigrateSupport.manifests(result)
    }

    @Test func serviceEntries() throws {
        let result = MigrateSupport.migrate("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: partner, namespace: shop}
        spec:
          hosts: [api.partner.example]
          addresses: [203.0.113.0/24, 198.51.100.7]
          ports: [{number: 443, name: https, protocol: TLS}]
          location: MESH_EXTERNAL
          resolution: STATIC
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: github, namespace: shop}
        spec:
          hosts: [api.github.com]
          ports: [{number: 443, name: https, protocol: TLS}]
          resolution: DNS
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: vm, namespace: shop}
        spec:
          hosts: [legacy.shop.internal]
          location: MESH_INTERNAL
          endpoints: [{address: 10.9.9.9}]
        """)
        let egress = Self.objects(result, Linkerd.EgressNetwork.self)
        #expect(egress.map(\.name) == ["partner"])
        #expect(egress.first?.spec?.networks == [Linkerd.Network(cidr: "203.0.113.0/24"), Linkerd.Network(cidr: "198.51.100.7/32")])
        #expect(egress.first?.spec?.trafficPolicy == .allow)
        #expect(result.findings.contains { $0.object == "ServiceEntry shop/github" && $0.field == "spec.hosts" && $0.severity == .info })
        #expect(result.findings.contains { $0.object == "ServiceEntry shop/vm" && $0.field == "spec" && $0.severity == .behaviourChange })
        _ = try MigrateSupport.manifests(result)
    }

    @Test func registryOnlyBecomesDenyEgressWithAllowedHosts() throws {
        let result = MigrateSupport.migrate("""
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: default, namespace: shop}
        spec:
          outboundTrafficPolicy: {mode: REGISTRY_ONLY}
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: github, namespace: shop}
        spec:
          hosts: [api.github.com]
          ports: [{number: 443, name: https, protocol: TLS}, {number: 80, name: http, protocol: HTTP}]
          resolution: DNS
        """)
        let egress = try #require(Self.objects(result, Linkerd.EgressNetwork.self).first)
        #expect(egress.name == "registry-only")
        #expect(egress.spec?.trafficPolicy == .deny)
        #expect(egress.spec?.networks == nil)
        let tls = try #require(Self.objects(result, GatewayAPI.TLSRoute.self).first)
        #expect(tls.spec?.hostnames == ["api.github.com"])
        #expect(tls.spec?.parentRefs == [GatewayAPI.ParentReference(group: "policy.linkerd.io", kind: "EgressNetwork", name: "registry-only", port: 443)])
        #expect(Self.objects(result, GatewayAPI.HTTPRoute.self).first?.spec?.hostnames == ["api.github.com"])
        _ = try MigrateSupport.manifests(result)
    }
}
