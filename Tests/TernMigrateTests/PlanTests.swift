import Testing
import TernResources
@testable import TernMigrate

/// `tern migrate plan`: seed 000's steps, tailored: ingress commands for the gateways in use,
/// namespaces callers-first, Istio features Tern lacks flagged from config and Helm values.
@Suite struct PlanTests {
    static let threeTier = """
    apiVersion: v1
    kind: List
    items:
    - {apiVersion: v1, kind: Service, metadata: {name: web, namespace: frontend}, spec: {selector: {app: web}, ports: [{name: http, port: 80}]}}
    - {apiVersion: v1, kind: Service, metadata: {name: api, namespace: backend}, spec: {selector: {app: api}, ports: [{name: http, port: 80}]}}
    - {apiVersion: v1, kind: Service, metadata: {name: db, namespace: data}, spec: {selector: {app: db}, ports: [{name: pg, port: 5432}]}}
    ---
    apiVersion: networking.istio.io/v1
    kind: Gateway
    metadata: {name: public, namespace: frontend}
    spec:
      selector: {istio: ingressgateway}
      servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
    ---
    apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata: {name: web, namespace: frontend}
    spec:
      hosts: ["*"]
      gateways: [public]
      http: [{route: [{destination: {host: web}}]}]
    ---
    apiVersion: security.istio.io/v1
    kind: AuthorizationPolicy
    metadata: {name: from-frontend, namespace: backend}
    spec:
      rules: [{from: [{source: {namespaces: [frontend]}}]}]
    ---
    apiVersion: security.istio.io/v1
    kind: AuthorizationPolicy
    metadata: {name: from-backend, namespace: data}
    spec:
      rules: [{from: [{source: {principals: [cluster.local/ns/backend/sa/api]}}]}]
    ---
    apiVersion: security.istio.io/v1
    kind: AuthorizationPolicy
    metadata: {name: no-admin, namespace: data}
    spec:
      action: DENY
      rules: [{to: [{operation: {paths: [/admin]}}]}]
    """

    static func plan(_ yaml: String, values: String? = nil) -> MigrationPlan {
        let input = MigrateSupport.input(yaml)
        let result = IstioMigrator().migrate(input)
        var sources: [InstallationSettings.Source] = []
        if let values {
            sources = ManifestLoader().load(text: values, file: "values.yaml").documents.map { InstallationSettings.Source(file: "values.yaml", node: $0.node) }
        }
        return MigrationPlan.build(input: input, result: result, options: MigrationOptions(), installation: InstallationSettings(sources))
    }

    @Test func namespacesCallersFirst() {
        let plan = Self.plan(Self.threeTier)
        let namespaceSteps = plan.steps.map(\.title).filter { $0.hasPrefix("Namespace ") }
        #expect(namespaceSteps == ["Namespace frontend", "Namespace backend", "Namespace data"])
        #expect(plan.text.contains("Order (from the ingress down the call graph of VirtualServices and AuthorizationPolicies): frontend → backend → data."))
        #expect(plan.lacking.contains { $0.hasPrefix("AuthorizationPolicy with DENY/CUSTOM/AUDIT (AuthorizationPolicy data/no-admin)") })
    }

    @Test func ingressFirstWithSeedCommands() {
        let plan = Self.plan(Self.threeTier)
        let titles = plan.steps.map(\.title)
        let ingress = titles.firstIndex(of: "Ingress first")!
        #expect(ingress < titles.firstIndex(of: "Namespace frontend")!)
        let commands = plan.steps[ingress].commands
        #expect(commands == [
            "kubectl patch deploy -n istio-system istio-ingressgateway --type=json --patch='[ { \"op\": \"replace\", \"path\": \"/spec/template/spec/containers/0/name\", \"value\": \"istio-gateway\" } ]'",
            "kubectl patch deploy -n istio-system istio-ingressgateway --type=merge --patch 'spec: { template: { metadata: { annotations: { linkerd.io/inject: enabled } } } }'",
        ])
    }

    @Test func helmValuesAndIstioOperatorFlagFeatures() {
        // `helm get values -a` prints a header line before the values.
        let values = """
        COMPUTED VALUES:
        meshConfig:
          enableTracing: true
          outboundTrafficPolicy: {mode: REGISTRY_ONLY}
        global:
          multiCluster: {enabled: false}
        ---
        apiVersion: install.istio.io/v1alpha1
        kind: IstioOperator
        spec:
          components:
            cni: {enabled: true}
            ingressGateways: [{name: edge-gateway, namespace: edge, enabled: true}]
        """
        let plan = Self.plan(Self.threeTier, values: values)
        #expect(plan.lacking.contains { $0.hasPrefix("meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY") })
        #expect(plan.lacking.contains { $0.hasPrefix("meshConfig.enableTracing=true") })
        #expect(plan.lacking.contains { $0.hasPrefix("components.cni.enabled=true") })
        #expect(!plan.lacking.contains { $0.hasPrefix("global.multiCluster.enabled") })
        let ingress = plan.steps.first { $0.title == "Ingress first" }!
        #expect(ingress.commands.contains { $0.hasPrefix("kubectl patch deploy -n edge edge-gateway --type=json") })
    }

    @Test func facesPlanMatchesGolden() throws {
        let yaml = try FacesGoldenTests.files.map { try MigrateSupport.example("istio/faces/\($0)") }.joined(separator: "\n---\n")
        try MigrateSupport.golden("faces-plan.txt", Self.plan(yaml).text)
    }
}
