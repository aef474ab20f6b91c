import Testing
import TernResources
@testable import TernMigrate

/// Every kind of finding: what was not carried over verbatim is reported once, with its
/// severity, object, field, reason and action.
@Suite struct FindingTests {
    static let web = """
    apiVersion: v1
    kind: Service
    metadata: {name: web, namespace: shop}
    spec:
      selector: {app: web}
      ports: [{name: http, port: 80}]
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, namespace: shop}
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          serviceAccountName: web
          containers: [{name: web, image: web, ports: [{name: http, containerPort: 8080}]}]
    ---

    """

    static func finding(_ result: MigrationResult, _ field: String) -> Finding? {
        result.findings.first { $0.field == field }
    }

    @Test func routeFeatures() throws {
        let result = MigrateSupport.migrate(Self.web + """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: web, namespace: shop}
        spec:
          hosts: [web.shop.svc.cluster.local]
          http:
          - match:
            - uri: {prefix: /old}
              withoutHeaders: {x-debug: {}}
            redirect: {uri: /new, authority: "shop.example.com:8443", redirectCode: 308}
          - match: [{uri: {prefix: /api/}, method: {exact: POST}}]
            corsPolicy: {allowOrigins: [{exact: "https://example.com"}]}
            mirror: {host: web}
            mirrorPercentage: {value: 12.5}
            headers:
              request: {set: {x-b: "2", x-a: "1"}, remove: [x-secret]}
              response: {add: {x-served-by: tern}}
            route: [{destination: {host: web}}]
          - route: [{destination: {host: web}}]
            timeout: 0.5s
            futureField: true
        """)
        #expect(Self.finding(result, "spec.http[1].corsPolicy")?.severity == .behaviourChange)
        #expect(Self.finding(result, "spec.http[0].match[0].withoutHeaders")?.severity == .behaviourChange)
        #expect(Self.finding(result, "spec.http[0].match[0].uri.prefix")?.severity == .behaviourChange)
        #expect(Self.finding(result, "spec.http[2].futureField")?.why.contains("does not know this field") == true)
        let rules = result.manifests.compactMap { $0 as? GatewayAPI.HTTPRoute }.flatMap { $0.spec?.rules ?? [] }
        let redirect = try #require(rules[0].filters?.first?.requestRedirect)
        #expect(redirect == GatewayAPI.HTTPRequestRedirectFilter(hostname: "shop.example.com", path: .fullPath("/new"), port: 8443, statusCode: 308))
        #expect(rules[1].matches?.first?.method == .post)
        let filters = try #require(rules[1].filters)
        #expect(filters.contains(.requestHeaderModifier(GatewayAPI.HTTPHeaderFilter(set: [.init(name: "x-a", value: "1"), .init(name: "x-b", value: "2")], remove: ["x-secret"]))))
        #expect(filters.contains(.responseHeaderModifier(GatewayAPI.HTTPHeaderFilter(add: [.init(name: "x-served-by", value: "tern")]))))
        #expect(filters.contains { $0.requestMirror?.fraction == GatewayAPI.Fraction(numerator: 12500, denominator: 100_000) })
        #expect(rules[2].timeouts == GatewayAPI.HTTPRouteTimeouts(request: "500ms"))
        #expect(result.exitCode == 3)
        _ = try MigrateSupport.manifests(result)
    }

    @Test func destinationRulePolicies() throws {
        let result = MigrateSupport.migrate(Self.web + """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: web, namespace: shop}
        spec:
          host: web
          trafficPolicy:
            loadBalancer:
              consistentHash: {httpHeaderName: x-user}
            connectionPool:
              tcp: {maxConnections: 100, connectTimeout: 3s}
              http: {http2MaxRequests: 1000, maxRetries: 3}
            tls: {mode: DISABLE}
            outlierDetection: {consecutiveGatewayErrors: 5, maxEjectionPercent: 50}
        """)
        #expect(Self.finding(result, "spec.trafficPolicy.loadBalancer.consistentHash")?.severity == .behaviourChange)
        #expect(Self.finding(result, "spec.trafficPolicy.connectionPool.tcp.maxConnections")?.action.contains("HTTPLocalRateLimitPolicy") == true)
        #expect(Self.finding(result, "spec.trafficPolicy.connectionPool.tcp.connectTimeout")?.action.contains("proxy-outbound-connect-timeout: 3s") == true)
        #expect(Self.finding(result, "spec.trafficPolicy.connectionPool.http.maxRetries")?.severity == .info)
        #expect(Self.finding(result, "spec.trafficPolicy.tls")?.severity == .behaviourChange)
        #expect(Self.finding(result, "spec.trafficPolicy.outlierDetection.maxEjectionPercent")?.severity == .behaviourChange)
        #expect(result.patches.first?.annotations[TranslationContext.maxFailures] == "5")
    }

    @Test func sidecarAndRequestAuthentication() throws {
        let result = MigrateSupport.migrate(Self.web + """
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: default, namespace: shop}
        spec:
          egress: [{hosts: ["./*", "istio-system/*"]}]
          outboundTrafficPolicy: {mode: REGISTRY_ONLY}
        ---
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: jwt, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          jwtRules: [{issuer: "https://issuer.example.com", jwksUri: "https://issuer.example.com/jwks"}]
        """)
        #expect(Self.finding(result, "spec.outboundTrafficPolicy")?.severity == .info)
        #expect(result.manifests.contains { ($0 as? Linkerd.EgressNetwork)?.spec?.trafficPolicy == .deny })
        #expect(Self.finding(result, "spec.egress")?.severity == .info)
        #expect(Self.finding(result, "spec.jwtRules[0]")?.severity == .securityRelevant)
        #expect(result.exitCode == 3)
    }

    @Test func reportFormats() throws {
        let result = MigrateSupport.migrate(Self.web + """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web, namespace: shop}
        spec:
          hosts: [web]
          http:
          - corsPolicy: {allowOrigin: ["*"]}
            route: [{destination: {host: web}}]
        """)
        let text = FindingsReport.render(result, format: .text)
        #expect(text.contains("input.yaml:25: behaviour-change: VirtualService shop/web: spec.http[0].corsPolicy:"))
        let json = FindingsReport.render(result, format: .json)
        let parsed = ManifestLoader().load(text: json, file: "report.json")
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.documents.first?.node["findings"]?.items?.first?["severity"]?.scalarText == "behaviour-change")
        let markdown = FindingsReport.render(result, format: .markdown)
        #expect(markdown.contains("| behaviour-change | VirtualService shop/web (`input.yaml:25`) | `spec.http[0].corsPolicy` |"))
    }

    @Test func everyFieldIsCoveredExactlyOnce() throws {
        let result = try FacesGoldenTests.faces()
        let keys = result.findings.map { "\($0.object)|\($0.field)|\($0.why)" }
        #expect(Set(keys).count == keys.count)
    }

    @Test func consumerRoutesAndExportScope() throws {
        let payments = """
        apiVersion: v1
        kind: Service
        metadata: {name: api, namespace: payments}
        spec: {selector: {app: api}, ports: [{name: http, port: 80}]}
        ---

        """
        func vs(_ exportTo: String) -> String {
            payments + """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: api-timeout, namespace: shop}
            spec:
              hosts: [api.payments.svc.cluster.local]
              \(exportTo)
              http: [{route: [{destination: {host: api.payments.svc.cluster.local}}], timeout: 2s}]
            """
        }
        let local = MigrateSupport.migrate(vs("exportTo: [\".\"]"))
        #expect(local.exitCode == 0, "\(local.findings)")
        let route = try #require(local.manifests.compactMap { $0 as? GatewayAPI.HTTPRoute }.first)
        #expect(route.namespace == "shop")
        #expect(route.spec?.parentRefs == [GatewayAPI.ParentReference(group: "core", kind: "Service", namespace: "payments", name: "api", port: 80)])
        // Cross-namespace backends need a ReferenceGrant in the Service's namespace.
        #expect(local.manifests.contains { $0 is GatewayAPI.ReferenceGrant && $0.namespace == "payments" })
        _ = try MigrateSupport.manifests(local)
        let global = MigrateSupport.migrate(vs(""))
        #expect(global.findings.contains { $0.field == "spec.hosts" && $0.why.contains("consumer route") })
    }
}
