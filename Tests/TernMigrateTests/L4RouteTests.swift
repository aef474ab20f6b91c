import Testing
import TernResources
@testable import TernMigrate

/// TLS passthrough and TCP routes, at the ingress and in the mesh, plus HTTPS listeners.
@Suite struct L4RouteTests {
    static let yaml = """
    apiVersion: v1
    kind: List
    items:
    - apiVersion: v1
      kind: Service
      metadata: {name: db, namespace: data}
      spec:
        selector: {app: db}
        ports: [{name: tcp, port: 5432}]
    - apiVersion: v1
      kind: Service
      metadata: {name: secure, namespace: data}
      spec:
        selector: {app: secure}
        ports: [{name: https, port: 443}]
    - apiVersion: v1
      kind: Secret
      metadata: {name: shop-cert, namespace: istio-system}
      type: kubernetes.io/tls
    ---
    apiVersion: networking.istio.io/v1
    kind: Gateway
    metadata: {name: edge, namespace: data}
    spec:
      selector: {istio: ingressgateway}
      servers:
      - port: {number: 443, name: tls, protocol: TLS}
        hosts: [secure.example.com]
        tls: {mode: PASSTHROUGH}
      - port: {number: 5432, name: pg, protocol: TCP}
        hosts: ["*"]
      - port: {number: 8443, name: https, protocol: HTTPS}
        hosts: [shop.example.com]
        tls: {mode: SIMPLE, credentialName: shop-cert}
      - port: {number: 80, name: http, protocol: HTTP}
        hosts: [shop.example.com]
        tls: {httpsRedirect: true}
    ---
    apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata: {name: secure, namespace: data}
    spec:
      hosts: [secure.example.com]
      gateways: [edge]
      tls:
      - match: [{sniHosts: [secure.example.com], port: 443}]
        route: [{destination: {host: secure, port: {number: 443}}}]
    ---
    apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata: {name: db, namespace: data}
    spec:
      hosts: [db]
      gateways: [edge, mesh]
      tcp:
      - match: [{port: 5432}]
        route: [{destination: {host: db}}]
    """

    @Test func matchesGolden() throws {
        let result = MigrateSupport.migrate(Self.yaml)
        try MigrateSupport.golden("tls-tcp.yaml", try MigrateSupport.manifests(result))
        try MigrateSupport.golden("tls-tcp-report.txt", FindingsReport.render(result, format: .text))
    }

    @Test func listenersAndTLS() throws {
        let result = MigrateSupport.migrate(Self.yaml)
        let gateway = try #require(result.manifests.compactMap { $0 as? GatewayAPI.Gateway }.first)
        let listeners = try #require(gateway.spec?.listeners)
        #expect(listeners.map(\.name) == ["tls", "pg", "https", "http"])
        #expect(listeners[0].tls?.mode == .passthrough)
        #expect(listeners[0].protocol == "TLS")
        #expect(listeners[2].tls?.certificateRefs == [GatewayAPI.SecretObjectReference(group: "", kind: "Secret", name: "shop-cert", namespace: "istio-system")])
        // The Secret lives in istio-system, so a ReferenceGrant lets the Gateway read it.
        #expect(result.manifests.contains { $0 is GatewayAPI.ReferenceGrant && $0.namespace == "istio-system" })
        // httpsRedirect → a redirect route bound to that listener only.
        let redirect = try #require(result.manifests.compactMap { $0 as? GatewayAPI.HTTPRoute }.first { $0.name.hasSuffix("https-redirect") })
        #expect(redirect.spec?.parentRefs?.first?.sectionName == "http")
        #expect(redirect.spec?.rules?.first?.filters?.first?.requestRedirect?.statusCode == 301)
    }

    @Test func tlsAndTcpRoutes() throws {
        let result = MigrateSupport.migrate(Self.yaml)
        let tls = try #require(result.manifests.compactMap { $0 as? GatewayAPI.TLSRoute }.first)
        #expect(tls.spec?.hostnames == ["secure.example.com"])
        #expect(tls.spec?.rules?.first?.backendRefs == [GatewayAPI.BackendRef(namespace: "data", name: "secure", port: 443)])
        let tcp = result.manifests.compactMap { $0 as? GatewayAPI.TCPRoute }
        #expect(tcp.count == 2)
        #expect(tcp[0].spec?.parentRefs?.first?.sectionName == "pg")
        #expect(tcp[1].spec?.parentRefs == [GatewayAPI.ParentReference(group: "core", kind: "Service", name: "db", port: 5432)])
        _ = try MigrateSupport.manifests(result)
    }
}
