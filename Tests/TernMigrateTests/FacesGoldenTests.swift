import Testing
import TernResources
@testable import TernMigrate

/// Seed 000's Faces setup (examples/istio/faces) → what seed 000 says Linkerd needs.
@Suite struct FacesGoldenTests {
    static let files = ["00-workloads.yaml", "10-gateway.yaml", "20-virtualservices.yaml", "30-color-split.yaml",
                        "40-smiley-delay.yaml", "50-restrict-faces.yaml", "60-istio-ingressgateway.yaml"]

    static func faces() throws -> MigrationResult {
        let yaml = try files.map { try MigrateSupport.example("istio/faces/\($0)") }.joined(separator: "\n---\n")
        return MigrateSupport.migrate(yaml)
    }

    @Test func manifestsMatchGolden() throws {
        let result = try Self.faces()
        try MigrateSupport.golden("faces.yaml", try MigrateSupport.manifests(result))
        try MigrateSupport.golden("faces-report.txt", FindingsReport.render(result, format: .text))
    }

    @Test func colorSplitIsGAMMA() throws {
        let route = try #require(try Self.faces().manifests.compactMap { $0 as? GatewayAPI.HTTPRoute }.first { $0.name == "color-split" })
        let spec = try #require(route.spec)
        #expect(spec.hostnames == nil)
        #expect(spec.parentRefs == [GatewayAPI.ParentReference(group: "core", kind: "Service", name: "color", port: 80)])
        let backends = try #require(spec.rules?.first?.backendRefs)
        #expect(backends.map(\.name) == ["color", "color2"])
        #expect(backends.map(\.weight) == [50, 50])
        #expect(backends.allSatisfy { $0.namespace == "faces" })
    }

    @Test func ingressRoutesAttachToTheGateway() throws {
        let result = try Self.faces()
        let gateway = try #require(result.manifests.compactMap { $0 as? GatewayAPI.Gateway }.first)
        #expect(gateway.spec?.gatewayClassName == "istio")
        #expect(gateway.spec?.listeners?.map(\.name) == ["http"])
        let gui = try #require(result.manifests.compactMap { $0 as? GatewayAPI.HTTPRoute }.first { $0.name == "faces-gui" })
        #expect(gui.spec?.parentRefs == [GatewayAPI.ParentReference(group: GatewayAPI.group, kind: "Gateway", name: "faces-gateway")])
        #expect(gui.spec?.hostnames == nil)
        let rule = try #require(gui.spec?.rules?.first)
        #expect(rule.filters == [.urlRewrite(GatewayAPI.HTTPURLRewriteFilter(path: .prefixMatch("/")))])
        // One destination without weight: all traffic, never weight 0.
        #expect(rule.backendRefs?.first?.weight == nil)
    }

    @Test func gatewayClassFlag() throws {
        let yaml = try Self.files.map { try MigrateSupport.example("istio/faces/\($0)") }.joined(separator: "\n---\n")
        var options = MigrationOptions()
        options.gatewayClass = "envoy-gateway"
        options.gatewayClassGiven = true
        let result = MigrateSupport.migrate(yaml, options: options)
        #expect(result.manifests.compactMap { $0 as? GatewayAPI.Gateway }.first?.spec?.gatewayClassName == "envoy-gateway")
        #expect(result.findings.first { $0.field == "spec.selector" }?.action == "Nothing to do.")
    }

    @Test func smileyDelayCarriesTheFault() throws {
        let route = try #require(try Self.faces().manifests.compactMap { $0 as? GatewayAPI.HTTPRoute }.first { $0.name == "smiley-delay" })
        let annotations = route.metadata.annotations ?? [:]
        #expect(annotations[FaultInjection.delayKey] == "5s")
        #expect(annotations[FaultInjection.delayPercentKey] == nil) // 100 % is the default
        #expect(FaultInjection.parse(annotations).problems.isEmpty)
    }

    @Test func everyEmittedManifestValidates() throws {
        _ = try MigrateSupport.manifests(try Self.faces())
    }

    @Test func jsonOutputIsAList() throws {
        let json = try ManifestWriter.write(try Self.faces().manifests, format: .json)
        let parsed = ManifestParser().parse(text: json, file: "out.json")
        #expect(parsed.diagnostics.isEmpty, "\(parsed.diagnostics.map(\.description))")
        #expect(parsed.objects.count == (try Self.faces().manifests.count))
    }
}

/// Seed 000's AuthorizationPolicy without its method restriction gives exactly the Linkerd
/// shape seed 000 shows: a MeshTLSAuthentication of the two identities and an
/// AuthorizationPolicy on the Namespace, plus the namespace's deny default.
@Suite struct SeedAuthorizationShapeTests {
    @Test func namespaceWidePolicyMatchesSeed() throws {
        let result = MigrateSupport.migrate("""
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata:
          name: restrict-faces
          namespace: faces
        spec:
          action: ALLOW
          rules:
          - from:
            - source:
                principals:
                - cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account
                - cluster.local/ns/faces/sa/default
        """)
        let mesh = try #require(result.manifests.compactMap { $0 as? Linkerd.MeshTLSAuthentication }.first)
        #expect(mesh.apiVersion == "policy.linkerd.io/v1alpha1")
        #expect(mesh.spec?.identities == ["default.faces.serviceaccount.identity.tern.cluster.local",
                                          "istio-ingressgateway-service-account.istio-system.serviceaccount.identity.tern.cluster.local"])
        let policy = try #require(result.manifests.compactMap { $0 as? Linkerd.AuthorizationPolicy }.first)
        #expect(policy.apiVersion == "policy.linkerd.io/v1alpha1")
        #expect(policy.spec?.targetRef == Linkerd.LocalTargetRef(kind: "Namespace", name: "faces"))
        #expect(policy.spec?.requiredAuthenticationRefs == [Linkerd.NamespacedTargetRef(group: "policy.linkerd.io", kind: "MeshTLSAuthentication", name: "restrict-faces")])
        let ns = try #require(result.manifests.compactMap { $0 as? Namespace }.first)
        #expect(ns.metadata.annotations?["config.linkerd.io/default-inbound-policy"] == "deny")
        _ = try MigrateSupport.manifests(result)
    }

    @Test func splitRuleNamesStayUnique() throws {
        let result = MigrateSupport.migrate(RuleOrderingTests.vs("""
          - name: legacy
            match: [{uri: {prefix: /old/}}, {uri: {prefix: /older/}}]
            rewrite: {uri: /new/}
            route: [{destination: {host: web}}]
        """))
        let rules = result.manifests.compactMap { $0 as? GatewayAPI.HTTPRoute }.flatMap { $0.spec?.rules ?? [] }
        #expect(rules.map(\.name) == ["legacy", "legacy-1"])
        _ = try MigrateSupport.manifests(result)
    }
}
