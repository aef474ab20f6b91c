import Testing
@testable import TernResources

/// Invalid Gateway API manifests: each rule's error, with file, line and path.
@Suite("Gateway API validation")
struct GatewayAPIValidationTests {
    typealias S = ManifestTestSupport

    static let routeHeader = """
    apiVersion: gateway.networking.k8s.io/v1
    kind: HTTPRoute
    metadata: {name: r, namespace: faces}
    spec:
    """

    @Test("parent and backend kinds, names, ports and weights")
    func badReferences() {
        let errors = S.errors(Self.routeHeader + """

          parentRefs:
          - {name: color, kind: Deployment, group: apps}
          - {name: Color_1, kind: Service, group: core, port: 0}
          - {name: color, kind: Service, group: core, port: 0}
          rules:
          - backendRefs:
            - {name: color, port: 70000, weight: -1}
            - {name: color2, kind: ConfigMap}
            - {name: color3, weight: 1000001}
        """)
        #expect(errors == [
            "test.yaml:6: spec.parentRefs[0].kind: cannot refer to Deployment.apps here; expected one of: Gateway.gateway.networking.k8s.io, Service, EgressNetwork.policy.linkerd.io",
            "test.yaml:7: spec.parentRefs[1].name: \"Color_1\" is not a valid object name (lowercase letters, digits, '-' and '.')",
            "test.yaml:7: spec.parentRefs[1].port: expected a port number from 1 to 65535, got 0",
            "test.yaml:8: spec.parentRefs[2].port: expected a port number from 1 to 65535, got 0",
            "test.yaml:11: spec.rules[0].backendRefs[0].port: expected a port number from 1 to 65535, got 70000",
            "test.yaml:11: spec.rules[0].backendRefs[0].weight: weight must be 0 or more, got -1",
            "test.yaml:12: spec.rules[0].backendRefs[1].kind: cannot refer to ConfigMap here; expected one of: Service, EgressNetwork.policy.linkerd.io",
            "test.yaml:13: spec.rules[0].backendRefs[2].weight: weight must be at most 1000000, got 1000001",
        ], "\(errors)")
    }

    @Test("a parent listed twice")
    func duplicateParent() {
        let errors = S.errors(Self.routeHeader + """

          parentRefs:
          - {name: color, kind: Service, group: core}
          - {name: color, kind: Service, group: core}
        """)
        #expect(errors == ["test.yaml:7: spec.parentRefs[1]: parent \"color\" is listed twice; each parent (and section or port) may appear once"], "\(errors)")
    }

    @Test("hostnames: IPs, ports and upper case are rejected; the seed's bare \"*\" is not")
    func badHostnames() {
        let errors = S.errors(Self.routeHeader + """

          hostnames:
          - '*'
          - 10.0.0.1
          - web.example.com:80
          - Web.example.com
          - "*.example.com"
        """)
        let expected = "expected a hostname such as \"example.com\" or \"*.example.com\" (lowercase, no IP address or port), got"
        #expect(errors == [
            "test.yaml:7: spec.hostnames[1]: \(expected) \"10.0.0.1\"",
            "test.yaml:8: spec.hostnames[2]: \(expected) \"web.example.com:80\"",
            "test.yaml:9: spec.hostnames[3]: \(expected) \"Web.example.com\"",
        ], "\(errors)")
    }

    @Test("path, header and query matches")
    func badMatches() {
        let errors = S.errors(Self.routeHeader + """

          rules:
          - matches:
            - path: {type: PathPrefix, value: api}
            - path: {type: Exact, value: /a//b}
            - path: {type: RegularExpression, value: "/(unclosed"}
            - path: {type: Glob, value: /x}
            - headers:
              - {name: "bad header", value: x}
              - {name: X-A, value: "1"}
              - {name: x-a, value: "2"}
              - {type: RegularExpression, name: x-b, value: "[z-a]"}
              queryParams:
              - {name: q}
            - method: FETCH
        """)
        #expect(errors.contains("test.yaml:7: spec.rules[0].matches[0].path.value: path must start with \"/\", got \"api\""), "\(errors)")
        #expect(errors.contains("test.yaml:8: spec.rules[0].matches[1].path.value: path \"/a//b\" must not contain \"//\""), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("test.yaml:9: spec.rules[0].matches[2].path.value: regular expression \"/(unclosed\" does not compile:") }, "\(errors)")
        #expect(errors.contains("test.yaml:10: spec.rules[0].matches[3].path.type: expected one of \"Exact\", \"PathPrefix\", \"RegularExpression\", got \"Glob\""), "\(errors)")
        #expect(errors.contains("test.yaml:12: spec.rules[0].matches[4].headers[0].name: expected a valid header name (letters, digits and !#$%&'*+-.^_`|~), got \"bad header\""), "\(errors)")
        #expect(errors.contains("test.yaml:14: spec.rules[0].matches[4].headers[2].name: header \"x-a\" is matched twice in one match"), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("test.yaml:15: spec.rules[0].matches[4].headers[3].value: regular expression \"[z-a]\" does not compile:") }, "\(errors)")
        #expect(errors.contains("test.yaml:17: spec.rules[0].matches[4].queryParams[0].value: required field \"value\" is missing"), "\(errors)")
        #expect(errors.contains("test.yaml:18: spec.rules[0].matches[5].method: expected one of \"GET\", \"HEAD\", \"POST\", \"PUT\", \"DELETE\", \"CONNECT\", \"OPTIONS\", \"TRACE\", \"PATCH\", got \"FETCH\""), "\(errors)")
        #expect(errors.count == 9, "\(errors)")
    }

    @Test("filters: config must match type, combinations, redirects and rewrites")
    func badFilters() {
        let errors = S.errors(Self.routeHeader + """

          rules:
          - matches: [{path: {type: Exact, value: /a}}]
            filters:
            - type: RequestHeaderModifier
              urlRewrite: {hostname: x.example.com}
            - type: URLRewrite
              urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}
            - type: RequestRedirect
              requestRedirect: {statusCode: 404, hostname: "*.example.com", path: {type: ReplaceFullPath}}
            - type: RequestMirror
              requestMirror: {backendRef: {name: shadow}, percent: 101, fraction: {numerator: 1}}
            - type: ResponseHeaderModifier
              responseHeaderModifier: {set: [{name: a, value: "1"}, {name: A, value: "2"}]}
            backendRefs: [{name: web, port: 80}]
        """)
        #expect(errors == [
            "test.yaml:7: spec.rules[0].filters: RequestRedirect and URLRewrite filters cannot be used together",
            "test.yaml:8: spec.rules[0].filters[0].requestHeaderModifier: required field \"requestHeaderModifier\" is missing",
            "test.yaml:9: spec.rules[0].filters[0].urlRewrite: urlRewrite must not be set when type is RequestHeaderModifier",
            "test.yaml:11: spec.rules[0].filters[1].urlRewrite.path.type: ReplacePrefixMatch needs the rule to have exactly one match, with a PathPrefix path",
            "test.yaml:13: spec.rules[0].filters[2].requestRedirect.hostname: expected a hostname such as \"example.com\" (no wildcard, IP address or port), got \"*.example.com\"",
            "test.yaml:13: spec.rules[0].filters[2].requestRedirect.path.replaceFullPath: required field \"replaceFullPath\" is missing",
            "test.yaml:13: spec.rules[0].filters[2].requestRedirect.statusCode: expected a redirect status code (301, 302, 303, 307 or 308), got 404",
            "test.yaml:15: spec.rules[0].filters[3].requestMirror.fraction: set percent or fraction, not both",
            "test.yaml:15: spec.rules[0].filters[3].requestMirror.percent: percent must be from 0 to 100, got 101",
            "test.yaml:17: spec.rules[0].filters[4].responseHeaderModifier.set[1].name: header \"A\" appears twice in set",
            "test.yaml:18: spec.rules[0].backendRefs: a RequestRedirect filter cannot be combined with backendRefs",
        ], "\(errors)")
    }

    @Test("timeouts are durations and backendRequest fits in request")
    func badTimeouts() {
        let errors = S.errors(Self.routeHeader + """

          rules:
          - timeouts: {request: 5 seconds}
          - timeouts: {request: 1s, backendRequest: 2s}
          - timeouts: {request: 0s, backendRequest: 2s}
        """)
        #expect(errors.count == 2, "\(errors)")
        #expect(errors.contains("test.yaml:6: spec.rules[0].timeouts.request: expected a duration such as 5s, 100ms or 1m30s, got \"5 seconds\": unknown unit \" seconds\" (use ns, us, ms, s, m or h)"), "\(errors)")
        #expect(errors.contains("test.yaml:7: spec.rules[1].timeouts.backendRequest: backendRequest (2s) must not be longer than request (1s)"), "\(errors)")
    }

    @Test("rule names are unique")
    func duplicateRuleNames() {
        let errors = S.errors(Self.routeHeader + """

          rules:
          - name: a
          - name: a
          - name: Not_Valid
        """)
        #expect(errors == [
            "test.yaml:7: spec.rules[1].name: rule name \"a\" is used twice in this route",
            "test.yaml:8: spec.rules[2].name: \"Not_Valid\" is not a valid rule name (lowercase letters, digits, '-' and '.')",
        ], "\(errors)")
    }

    @Test("GRPCRoute method matches and filter types")
    func badGRPCRoute() {
        let errors = S.errors("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: g}
        spec:
          rules:
          - matches:
            - method: {}
            - method: {service: "bad service", method: "List-All"}
            filters:
            - type: URLRewrite
              urlRewrite: {hostname: a.example.com}
        """)
        #expect(errors == [
            "test.yaml:7: spec.rules[0].matches[0].method: set service, method or both",
            "test.yaml:8: spec.rules[0].matches[1].method.method: expected a gRPC method name such as \"Check\", got \"List-All\"",
            "test.yaml:8: spec.rules[0].matches[1].method.service: expected a fully qualified gRPC service name such as \"grpc.health.v1.Health\", got \"bad service\"",
            "test.yaml:10: spec.rules[0].filters[0].type: GRPCRoute does not support URLRewrite filters; expected one of: RequestHeaderModifier, ResponseHeaderModifier, RequestMirror, ExtensionRef",
        ], "\(errors)")
    }

    @Test("TCPRoute needs rules with backends and takes no filters; TLSRoute is v1alpha2 only")
    func badL4Routes() {
        let errors = S.errors("""
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: TCPRoute
        metadata: {name: t}
        spec:
          rules:
          - backendRefs: []
          - backendRefs:
            - name: db
              port: 5432
              filters: [{type: RequestMirror, requestMirror: {backendRef: {name: x}}}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: TLSRoute
        metadata: {name: t}
        spec: {}
        """)
        #expect(errors == [
            "test.yaml:6: spec.rules[0].backendRefs: must not be empty",
            "test.yaml:10: spec.rules[1].backendRefs[0].filters: TCPRoute backends take no filters",
            "test.yaml:12: apiVersion: TLSRoute is not served at gateway.networking.k8s.io/v1; Tern accepts gateway.networking.k8s.io/v1alpha2",
        ], "\(errors)")
    }

    @Test("Gateway listeners: protocol, TLS, hostname, names and conflicts")
    func badGateway() {
        let errors = S.errors("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: g}
        spec:
          listeners:
          - {name: a, port: 80, protocol: HTTP, tls: {mode: Terminate}}
          - {name: a, port: 443, protocol: HTTPS}
          - {name: c, port: 9000, protocol: TCP, hostname: db.example.com}
          - {name: d, port: 8443, protocol: HTTPS, tls: {mode: Passthrough}}
          - {name: e, port: 8443, protocol: HTTPS, tls: {certificateRefs: [{name: c, kind: ConfigMap}]}}
          - {name: f, port: 81, protocol: QUIC}
          - name: h
            port: 82
            protocol: HTTP
            allowedRoutes: {namespaces: {from: Selector}, kinds: [{kind: Service}]}
        """)
        #expect(errors == [
            "test.yaml:4: spec.gatewayClassName: required field \"gatewayClassName\" is missing",
            "test.yaml:6: spec.listeners[0].tls: protocol HTTP takes no tls; use HTTPS or TLS",
            "test.yaml:7: spec.listeners[1].name: listener name \"a\" is used twice",
            "test.yaml:7: spec.listeners[1].tls: required field \"tls\" is missing",
            "test.yaml:8: spec.listeners[2].hostname: protocol TCP takes no hostname",
            "test.yaml:9: spec.listeners[3].tls.mode: an HTTPS listener terminates TLS; use protocol TLS for Passthrough",
            "test.yaml:10: spec.listeners[4]: listener conflicts with \"d\": same port, protocol and hostname",
            "test.yaml:10: spec.listeners[4].tls.certificateRefs[0].kind: cannot refer to ConfigMap here; expected one of: Secret",
            "test.yaml:11: spec.listeners[5].protocol: expected one of HTTP, HTTPS, TLS, TCP, UDP or a domain-prefixed protocol such as \"example.com/proto\", got \"QUIC\"",
            "test.yaml:15: spec.listeners[6].allowedRoutes.kinds[0].kind: cannot refer to Service.gateway.networking.k8s.io here; expected one of: HTTPRoute.gateway.networking.k8s.io, GRPCRoute.gateway.networking.k8s.io, TCPRoute.gateway.networking.k8s.io, TLSRoute.gateway.networking.k8s.io, UDPRoute.gateway.networking.k8s.io",
            "test.yaml:15: spec.listeners[6].allowedRoutes.namespaces.selector: required field \"selector\" is missing",
        ], "\(errors)")
    }

    @Test("ReferenceGrant needs from and to, with namespaces")
    func badReferenceGrant() {
        let errors = S.errors("""
        apiVersion: gateway.networking.k8s.io/v1beta1
        kind: ReferenceGrant
        metadata: {name: g}
        spec:
          from: [{group: "", kind: HTTPRoute}]
          to: []
        """)
        #expect(errors == [
            "test.yaml:5: spec.from[0].namespace: required field \"namespace\" is missing",
            "test.yaml:6: spec.to: must not be empty",
        ], "\(errors)")
    }

    @Test("a terminating listener needs a certificate")
    func terminateNeedsCertificate() {
        let errors = S.errors("""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: g}
        spec:
          gatewayClassName: tern
          listeners:
          - {name: https, port: 443, protocol: HTTPS, tls: {mode: Terminate}}
        """)
        #expect(errors == ["test.yaml:7: spec.listeners[0].tls.certificateRefs: certificateRefs must name at least one certificate when mode is Terminate"], "\(errors)")
    }

    @Test("hostname and header-name syntax", arguments: [
        ("example.com", true), ("*.example.com", true), ("a-b.c1.io", true), ("localhost", true),
        ("*.*.example.com", false), ("example.*.com", false), ("-a.com", false), ("a..com", false),
        ("1.2.3.4", false), ("EXAMPLE.com", false), ("a_b.com", false), ("", false),
    ])
    func hostnames(name: String, valid: Bool) {
        #expect(GatewayAPI.isValidHostname(name) == valid)
    }

    @Test("header names are RFC 7230 tokens")
    func tokens() {
        #expect(GatewayAPI.isHTTPToken("x-b3-traceid"))
        #expect(GatewayAPI.isHTTPToken("X_Custom!#$%&'*+.^`|~1"))
        #expect(!GatewayAPI.isHTTPToken("bad header"))
        #expect(!GatewayAPI.isHTTPToken("colon:"))
        #expect(!GatewayAPI.isHTTPToken("ünicode"))
        #expect(!GatewayAPI.isHTTPToken(""))
    }
}
