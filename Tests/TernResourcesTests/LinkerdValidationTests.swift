import Testing
@testable import TernResources

/// Invalid Linkerd manifests: each rule's error, with file, line and path.
@Suite("Linkerd validation")
struct LinkerdValidationTests {
    typealias S = ManifestTestSupport

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

    @Test("dstOverrides authorities", arguments: [
        ("web.faces.svc.cluster.local:80", true), ("web", true), ("10.0.0.1:8080", true), ("[fd00::1]:80", true), ("[fd00::1]", true),
        ("web.example.com.", true), ("web:0", false), ("web:http", false), ("[10.0.0.1]:80", false), ("fd00::1", false), ("Web:80", false),
    ])
    func authorities(authority: String, valid: Bool) {
        #expect(Linkerd.ServiceProfile.isAuthority(authority) == valid)
    }

    @Test("selectors in Servers and ServerAuthorizations are checked like any label selector")
    func badSelectors() {
        let errors = S.errors("""
        apiVersion: policy.linkerd.io/v1beta2
        kind: Server
        metadata: {name: s}
        spec:
          podSelector:
            matchLabels: {"bad key!": web}
            matchExpressions: [{key: tier, operator: In}]
          port: 80
        """)
        #expect(errors == [
            "test.yaml:6: spec.podSelector.matchLabels[\"bad key!\"]: \"bad key!\" is not a valid label key",
            "test.yaml:7: spec.podSelector.matchExpressions[0].values: values must not be empty for operator In",
        ], "\(errors)")
    }
}
