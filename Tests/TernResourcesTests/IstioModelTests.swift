import Foundation
import Testing
import Yams
@testable import TernResources

/// Istio resource models: every served version decodes to the same model, the value forms
/// Istio accepts (protobuf durations, `percentage.value` or legacy `percent`) read correctly,
/// and semantic mistakes are reported with their field path.
@Suite struct IstioModelTests {
    typealias S = ManifestTestSupport

    @Test(arguments: ["v1alpha3", "v1beta1", "v1"])
    func virtualServiceAtEveryVersion(_ version: String) throws {
        let vs = try S.roundTrip(Istio.VirtualService.self, """
        apiVersion: networking.istio.io/\(version)
        kind: VirtualService
        metadata: {name: ratings, namespace: bookinfo}
        spec:
          hosts: [ratings]
          http:
          - match: [{headers: {end-user: {exact: jason}}, uri: {prefix: /r}}]
            fault:
              delay: {fixedDelay: 0.5s, percent: 50}
              abort: {httpStatus: 503, percentage: {value: 0.1}}
            retries: {attempts: 3, perTryTimeout: 2s, retryOn: "5xx,connect-failure"}
            timeout: 10s
            route:
            - destination: {host: ratings, subset: v1, port: {number: 9080}}
              weight: 100
        """)
        let rule = try #require(vs.spec?.http?.first)
        #expect(rule.fault?.delay?.percent == 50)
        #expect(rule.fault?.abort?.percentage?.value == 0.1)
        #expect(rule.match?.first?.headers?["end-user"]?.exact == "jason")
        #expect(rule.route?.first?.destination?.port?.number == 9080)
        #expect(vs.spec?.appliesToMesh == true)
    }

    @Test func everyKindDecodes() throws {
        let objects = S.valid("""
        apiVersion: networking.istio.io/v1beta1
        kind: Gateway
        metadata: {name: gw, namespace: shop}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: 443, name: https, protocol: HTTPS}
            hosts: ["shop/*.example.com"]
            tls: {mode: SIMPLE, credentialName: cert}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: web, namespace: shop}
        spec:
          host: web
          trafficPolicy:
            loadBalancer: {simple: LEAST_REQUEST}
            connectionPool: {tcp: {maxConnections: 10}, http: {h2UpgradePolicy: UPGRADE}}
            outlierDetection: {consecutive5xxErrors: 3, baseEjectionTime: 30s}
            tls: {mode: ISTIO_MUTUAL}
          subsets: [{name: v1, labels: {version: v1}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ext, namespace: shop}
        spec:
          hosts: [api.example.com]
          addresses: [203.0.113.0/24]
          ports: [{number: 443, name: https, protocol: TLS}]
          location: MESH_EXTERNAL
          resolution: DNS
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: default, namespace: shop}
        spec:
          egress: [{hosts: ["./*"]}]
          outboundTrafficPolicy: {mode: REGISTRY_ONLY}
        ---
        apiVersion: security.istio.io/v1beta1
        kind: PeerAuthentication
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          mtls: {mode: STRICT}
          portLevelMtls: {"8080": {mode: DISABLE}}
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          action: DENY
          rules:
          - from: [{source: {notPrincipals: ["*"], ipBlocks: [10.0.0.0/8], requestPrincipals: ["*"]}}]
            to: [{operation: {methods: [POST], ports: ["8080"]}}]
            when: [{key: "request.headers[x-env]", values: [prod]}]
        ---
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: jwt, namespace: shop}
        spec:
          jwtRules: [{issuer: "https://issuer", jwksUri: "https://issuer/jwks"}]
        """)
        #expect(objects.map(\.resource.kind) == ["Gateway", "DestinationRule", "ServiceEntry", "Sidecar", "PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication"])
        let pa = try #require(objects[4].as(Istio.PeerAuthentication.self))
        #expect(pa.spec?.portLevelMtls?["8080"]?.mode == .disable)
        let ap = try #require(objects[5].as(Istio.AuthorizationPolicy.self))
        #expect(ap.effectiveAction == .deny)
        #expect(ap.spec?.rules?.first?.when?.first?.values == ["prod"])
        #expect(objects[0].as(Istio.Gateway.self)?.spec?.servers?.first?.tls?.mode == .simple)
    }

    @Test func semanticErrors() {
        let errors = S.errors("""
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: shop}
        spec:
          servers:
          - port: {number: 70000, protocol: SMTP}
            hosts: []
          - port: {number: 443, protocol: HTTPS}
            hosts: ["*"]
            tls: {mode: SIMPLE}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: vs, namespace: shop}
        spec:
          hosts: [web]
          http:
          - route: [{destination: {host: web}}]
            redirect: {uri: /x}
          - retries: {attempts: 2, perTryTimeout: fast}
            route: [{destination: {host: web}, weight: 30}, {destination: {host: api}, weight: 30}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: ap, namespace: shop}
        spec:
          action: CUSTOM
          rules: [{from: [{source: {ipBlocks: [not-an-ip]}}]}]
        """)
        #expect(errors.contains("test.yaml:6: spec.servers[0].port.number: expected a port number from 1 to 65535, got 70000"))
        #expect(errors.contains { $0.hasPrefix("test.yaml:6: spec.servers[0].port.protocol: expected one of HTTP, HTTPS") })
        #expect(errors.contains("test.yaml:7: spec.servers[0].hosts: must not be empty"))
        #expect(errors.contains { $0.hasPrefix("test.yaml:10: spec.servers[1].tls.mode: TLS mode SIMPLE needs credentialName") })
        #expect(errors.contains { $0.hasPrefix("test.yaml:19: spec.http[0].redirect: an HTTP rule takes only one of route, redirect") })
        #expect(errors.contains { $0.hasPrefix("test.yaml:20: spec.http[1].retries.perTryTimeout: expected a duration") })
        #expect(errors.contains("test.yaml:21: warning: spec.http[1].route: destination weights add up to 60, not 100; Istio normalizes them"))
        #expect(errors.contains { $0.contains("spec.provider: a CUSTOM policy needs provider.name") })
        #expect(errors.contains { $0.contains("spec.rules[0].from[0].source.ipBlocks[0]: expected an IP address or a CIDR") })
    }

    @Test func registeredInTheCatalog() {
        for kind in ["Gateway", "VirtualService", "DestinationRule", "ServiceEntry", "Sidecar"] {
            #expect(ResourceRegistry.standard.model(for: ResourceType(group: "networking.istio.io", kind: kind)) != nil)
        }
        for kind in ["PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication"] {
            #expect(ResourceRegistry.standard.model(for: ResourceType(group: "security.istio.io", kind: kind)) != nil)
        }
    }

    @Test func faultAnnotationsParse() {
        let (fault, problems) = FaultInjection.parse(["fault.tern.io/delay": "5s", "fault.tern.io/abort-grpc-status": "UNAVAILABLE", "fault.tern.io/abort-percent": "2.5"])
        #expect(problems.isEmpty)
        #expect(fault.delay == .seconds(5))
        #expect(fault.abortGRPCStatus == 14)
        #expect(fault.abortPercent == 2.5)
        let bad = FaultInjection.parse(["fault.tern.io/dealy": "5s", "fault.tern.io/delay-percent": "150"]).problems.map(\.key)
        #expect(bad == ["fault.tern.io/dealy", "fault.tern.io/delay-percent"])
    }

    /// examples/istio (seed 000's Faces setup and Bookinfo) reads cleanly and round-trips.
    @Test func istioExamplesRoundTrip() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let files = ManifestFiles.walk(root.appendingPathComponent("examples/istio").path)
        #expect(files.count >= 10)
        for path in files {
            let parsed = ManifestParser().parse(bytes: try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))), file: path)
            #expect(parsed.diagnostics.isEmpty, "\(parsed.diagnostics.map(\.description))")
            for object in parsed.objects { try Self.roundTrip(object.resource) }
        }
    }

    static func roundTrip<R: KubeResource>(_ resource: R) throws {
        let yaml = try YAMLEncoder().encode(resource)
        let again = ManifestParser().parse(text: yaml, file: "re-encoded.yaml")
        #expect(again.diagnostics.isEmpty, "\(again.diagnostics.map(\.description))\n\(yaml)")
        #expect(again.objects.first?.resource as? R == resource, "round trip changed \(R.self):\n\(yaml)")
    }
}
