import Testing
import Yams
@testable import TernResources

@Suite("Gateway API models")
struct GatewayAPIModelTests {
    typealias S = ManifestTestSupport

    // MARK: Round trips (seed 000's manifests, indentation restored)

    @Test("seed: ingress2gateway's Gateway")
    func seedGateway() throws {
        let gw = try S.roundTrip(GatewayAPI.Gateway.self, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: faces-gateway
          namespace: faces
        spec:
          gatewayClassName: istio # Edit for your gateway controller!
          listeners:
          - name: http-protocol-wildcard-ns-wildcard
            port: 8080
            protocol: HTTP
        """)
        #expect(gw.spec?.listeners?.first?.port == 8080)
    }

    @Test("seed: a URLRewrite route behind the Gateway")
    func seedRewriteRoute() throws {
        let route = try S.roundTrip(GatewayAPI.HTTPRoute.self, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: faces-gui-idx-0-prefix-match
          namespace: faces
        spec:
          parentRefs:
          - group: gateway.networking.k8s.io
            kind: Gateway
            name: faces-gateway
          rules:
          - backendRefs:
            - name: faces-gui
              namespace: faces
              weight: 0
            filters:
            - type: URLRewrite
              urlRewrite:
                path:
                  replacePrefixMatch: /
                  type: ReplacePrefixMatch
            matches:
            - path:
                type: PathPrefix
                value: /gui/
        """)
        #expect(route.spec?.rules?.first?.filters?.first?.urlRewrite?.path == .prefixMatch("/"))
    }

    @Test("seed: ingress2gateway's route with hostname \"*\"")
    func seedWildcardRoute() throws {
        let route = try S.roundTrip(GatewayAPI.HTTPRoute.self, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: faces-idx-0
          namespace: faces
        spec:
          hostnames:
          - '*'
          parentRefs:
          - group: gateway.networking.k8s.io
            kind: Gateway
            name: faces-gateway
          rules:
          - backendRefs:
            - name: face
              namespace: faces
              weight: 0
            matches:
            - path:
                type: PathPrefix
                value: /face/
        """)
        #expect(route.spec?.hostnames == ["*"])
    }

    @Test("seed: the GAMMA split Linkerd needs, and the delay route")
    func seedMeshRoutes() throws {
        let split = try S.roundTrip(GatewayAPI.HTTPRoute.self, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: color-split-idx-0
          namespace: faces
        spec:
          parentRefs:
          - name: color
            kind: Service
            group: core
            port: 80
          rules:
          - backendRefs:
            - name: color
              namespace: faces
              weight: 50
            - name: color2
              namespace: faces
              weight: 50
        """)
        #expect(split.spec?.parentRefs?.first?.isService == true)
        try S.roundTrip(GatewayAPI.HTTPRoute.self, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: smiley-delay-idx-0
          namespace: faces
        spec:
          hostnames:
          - smiley.faces.svc.cluster.local
          rules:
          - backendRefs:
            - name: smiley
              namespace: faces
              weight: 0
        """)
    }

    @Test("seed 002: a v1beta1 HTTPRoute with flow-style matches")
    func seedV1beta1Route() throws {
        let route = try S.roundTrip(GatewayAPI.HTTPRoute.self, """
        apiVersion: gateway.networking.k8s.io/v1beta1
        kind: HTTPRoute
        metadata:
          name: external-api
        spec:
          parentRefs:
          - name: my-app
          rules:
          - matches:
            - path: { type: PathPrefix, value: /api }
            backendRefs:
            - name: external-api
              kind: Service
              port: 443
        """)
        #expect(route.apiVersion == "gateway.networking.k8s.io/v1beta1")
    }

    @Test("an HTTPRoute using every match, filter and timeout field")
    func fullHTTPRoute() throws {
        try S.roundTrip(GatewayAPI.HTTPRoute.self, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web, namespace: faces}
        spec:
          parentRefs:
          - {name: web, kind: Service, group: "", port: 80}
          - {name: egress, kind: EgressNetwork, group: policy.linkerd.io, namespace: egress}
          - {name: gw, sectionName: https, port: 443}
          hostnames: [web.example.com, "*.example.com"]
          rules:
          - name: api
            matches:
            - path: {type: Exact, value: /api}
              method: POST
              headers:
              - {name: x-canary, value: "true"}
              - {type: RegularExpression, name: x-user, value: "^[a-z]+$"}
              queryParams:
              - {name: debug, value: "1"}
            - path: {type: RegularExpression, value: "/v[0-9]+/.*"}
            filters:
            - type: RequestHeaderModifier
              requestHeaderModifier:
                set: [{name: x-route, value: api}]
                add: [{name: x-seen, value: "1"}]
                remove: [x-internal]
            - type: ResponseHeaderModifier
              responseHeaderModifier: {remove: [server]}
            - type: RequestMirror
              requestMirror:
                backendRef: {name: shadow, port: 8080}
                fraction: {numerator: 5, denominator: 1000}
            backendRefs:
            - name: web-v2
              port: 80
              weight: 10
              filters:
              - type: RequestHeaderModifier
                requestHeaderModifier: {set: [{name: x-version, value: v2}]}
            - {name: web, port: 80, weight: 90}
            timeouts: {request: 10s, backendRequest: 2s}
          - name: old
            matches: [{path: {value: /old}}]
            filters:
            - type: RequestRedirect
              requestRedirect: {scheme: https, hostname: new.example.com, port: 443, statusCode: 301, path: {type: ReplaceFullPath, replaceFullPath: /new}}
          - name: rewrite-all
            filters:
            - type: URLRewrite
              urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}
            backendRefs: [{name: web, port: 80}]
          - filters:
            - type: ExtensionRef
              extensionRef: {group: example.com, kind: Fault, name: slow}
            backendRefs: [{name: web, port: 80}]
        """)
    }

    @Test("GRPCRoute at v1, v1beta1 and v1alpha2")
    func grpcRoute() throws {
        for version in ["v1", "v1beta1", "v1alpha2"] {
            let route = try S.roundTrip(GatewayAPI.GRPCRoute.self, """
            apiVersion: gateway.networking.k8s.io/\(version)
            kind: GRPCRoute
            metadata: {name: emoji, namespace: emojivoto}
            spec:
              parentRefs: [{name: emoji-svc, kind: Service, group: core, port: 8080}]
              rules:
              - matches:
                - method: {service: emojivoto.v1.EmojiService, method: ListAll}
                  headers: [{name: x-canary, value: "1"}]
                - method: {type: RegularExpression, service: "emojivoto\\\\..*"}
                filters:
                - type: RequestHeaderModifier
                  requestHeaderModifier: {add: [{name: x-grpc, value: "yes"}]}
                backendRefs:
                - {name: emoji-svc, port: 8080, weight: 1}
            """)
            #expect(route.spec?.rules?.first?.matches?.first?.method?.method == "ListAll")
        }
    }

    @Test("TCPRoute and TLSRoute at v1alpha2")
    func l4Routes() throws {
        try S.roundTrip(GatewayAPI.TCPRoute.self, """
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: TCPRoute
        metadata: {name: db, namespace: data}
        spec:
          parentRefs: [{name: postgres, kind: Service, group: core, port: 5432}]
          rules:
          - backendRefs: [{name: postgres-primary, port: 5432}]
        """)
        let tls = try S.roundTrip(GatewayAPI.TLSRoute.self, """
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: TLSRoute
        metadata: {name: github, namespace: egress}
        spec:
          parentRefs: [{name: all-egress, kind: EgressNetwork, group: policy.linkerd.io, port: 443}]
          hostnames: [api.github.com]
          rules:
          - backendRefs: [{name: all-egress, kind: EgressNetwork, group: policy.linkerd.io, port: 443}]
        """)
        #expect(tls.spec?.hostnames == ["api.github.com"])
    }

    @Test("Gateway v1beta1 with TLS listeners and allowed routes")
    func tlsGateway() throws {
        try S.roundTrip(GatewayAPI.Gateway.self, """
        apiVersion: gateway.networking.k8s.io/v1beta1
        kind: Gateway
        metadata: {name: edge, namespace: ingress}
        spec:
          gatewayClassName: tern
          addresses: [{value: 10.0.0.10}]
          listeners:
          - name: https
            hostname: "*.example.com"
            port: 443
            protocol: HTTPS
            tls:
              mode: Terminate
              certificateRefs: [{name: wildcard-cert}]
            allowedRoutes:
              namespaces:
                from: Selector
                selector: {matchLabels: {ingress: "true"}}
              kinds: [{kind: HTTPRoute}, {group: gateway.networking.k8s.io, kind: GRPCRoute}]
          - name: passthrough
            port: 8443
            protocol: TLS
            tls: {mode: Passthrough}
        """)
    }

    @Test("ReferenceGrant at v1beta1 and v1alpha2")
    func referenceGrant() throws {
        for version in ["v1beta1", "v1alpha2"] {
            try S.roundTrip(GatewayAPI.ReferenceGrant.self, """
            apiVersion: gateway.networking.k8s.io/\(version)
            kind: ReferenceGrant
            metadata: {name: allow-faces, namespace: backend}
            spec:
              from:
              - {group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: faces}
              to:
              - {group: "", kind: Service}
              - {group: "", kind: Service, name: color}
            """)
        }
    }

    @Test("models built in code encode with their preferred apiVersion")
    func builtInCode() throws {
        let route = GatewayAPI.HTTPRoute(
            metadata: ObjectMeta(name: "color", namespace: "faces"),
            spec: .init(parentRefs: [.init(group: "core", kind: "Service", name: "color", port: 80)],
                        rules: [.init(matches: [.init(path: .init(type: .pathPrefix, value: "/"))],
                                      backendRefs: [.init(name: "color", port: 80, weight: 50), .init(name: "color2", port: 80, weight: 50)],
                                      timeouts: .init(request: "5s"))]))
        #expect(route.apiVersion == "gateway.networking.k8s.io/v1")
        let yaml = try YAMLEncoder().encode(route)
        let decoded = try #require(S.valid(yaml).first?.as(GatewayAPI.HTTPRoute.self))
        #expect(decoded == route)
        #expect(GatewayAPI.TCPRoute(metadata: ObjectMeta(name: "t"), spec: .init()).apiVersion == "gateway.networking.k8s.io/v1alpha2")
    }
}
