import Testing
import TernResources
@testable import TernMigrate

/// Istio is first-match; Gateway API ranks matches. The translation must not let a later,
/// more specific rule steal requests an earlier rule took in Istio.
@Suite struct RuleOrderingTests {
    static let services = """
    apiVersion: v1
    kind: Service
    metadata: {name: web, namespace: shop}
    spec:
      selector: {app: web}
      ports: [{name: http, port: 80}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: api, namespace: shop}
    spec:
      selector: {app: api}
      ports: [{name: http, port: 80}]
    """

    static func vs(_ http: String) -> String {
        services + """

        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web, namespace: shop}
        spec:
          hosts: [web]
          http:
        \(http)
        """
    }

    static func rules(_ result: MigrationResult) -> [GatewayAPI.HTTPRouteRule] {
        result.manifests.compactMap { $0 as? GatewayAPI.HTTPRoute }.flatMap { $0.spec?.rules ?? [] }
    }

    @Test func laterExactMatchShadowedByEarlierPrefixIsDropped() throws {
        let result = MigrateSupport.migrate(Self.vs("""
          - match: [{uri: {prefix: /api}}]
            route: [{destination: {host: api}}]
          - match: [{uri: {exact: /api/health}}]
            route: [{destination: {host: web}}]
          - route: [{destination: {host: web}}]
        """))
        let rules = Self.rules(result)
        // Istio sends /api/health to api (first match); the exact rule is unreachable.
        #expect(rules.count == 2)
        #expect(rules[0].matches?.compactMap { $0.path?.value } == ["/api"])
        #expect(rules[1].matches == nil)
        #expect(result.findings.contains { $0.field == "spec.http[1]" && $0.why.contains("never reaches") })
        _ = try MigrateSupport.manifests(result)
    }

    @Test func overlapIsAddedToTheEarlierRule() throws {
        let result = MigrateSupport.migrate(Self.vs("""
          - match: [{headers: {x-canary: {exact: "1"}}}]
            route: [{destination: {host: api}}]
          - match: [{uri: {exact: /checkout}}]
            route: [{destination: {host: web}}]
        """))
        let rules = Self.rules(result)
        // /checkout with x-canary: 1 went to api in Istio; Gateway API ranks the exact path
        // higher, so the intersection joins rule 0 (exact path + header outranks exact path).
        let first = try #require(rules.first?.matches)
        #expect(first.count == 2)
        #expect(first[1] == GatewayAPI.HTTPRouteMatch(path: GatewayAPI.HTTPPathMatch(type: .exact, value: "/checkout"),
                                                      headers: [GatewayAPI.HTTPHeaderMatch(type: .exact, name: "x-canary", value: "1")]))
        #expect(rules[1].matches?.first?.path?.value == "/checkout")
        _ = try MigrateSupport.manifests(result)
    }

    @Test func prefixRewriteFollowsTheNarrowedMatch() throws {
        let result = MigrateSupport.migrate(Self.vs("""
          - match: [{uri: {prefix: /v1/}, headers: {x-admin: {exact: "yes"}}}]
            rewrite: {uri: /}
            route: [{destination: {host: api}}]
          - match: [{uri: {prefix: /v1/admin/}}]
            route: [{destination: {host: web}}]
        """))
        let rules = Self.rules(result)
        // /v1/admin/… with x-admin: yes went to api (rewritten) in Istio; Gateway API ranks the
        // longer prefix higher, so the overlap joins rule 0 with the rewrite adjusted to it.
        #expect(rules.count == 3)
        #expect(rules[0].filters == [.urlRewrite(GatewayAPI.HTTPURLRewriteFilter(path: .prefixMatch("/")))])
        #expect(rules[1].filters == [.urlRewrite(GatewayAPI.HTTPURLRewriteFilter(path: .prefixMatch("/admin/")))])
        #expect(rules[1].matches == [GatewayAPI.HTTPRouteMatch(path: GatewayAPI.HTTPPathMatch(type: .pathPrefix, value: "/v1/admin/"),
                                                               headers: [GatewayAPI.HTTPHeaderMatch(type: .exact, name: "x-admin", value: "yes")])])
        #expect(rules[1].backendRefs?.first?.name == "api")
        #expect(rules[2].backendRefs?.first?.name == "web")
        _ = try MigrateSupport.manifests(result)
    }

    @Test func disjointRulesAreUntouched() throws {
        let result = MigrateSupport.migrate(Self.vs("""
          - match: [{uri: {prefix: /a}}, {uri: {prefix: /b}}]
            route: [{destination: {host: api}}]
          - match: [{uri: {exact: /c}}]
            route: [{destination: {host: web}}]
        """))
        let rules = Self.rules(result)
        #expect(rules.map { $0.matches?.count } == [2, 1])
        #expect(result.findings.allSatisfy { !$0.why.contains("overlap") })
    }

    @Test func regexOverlapIsReported() throws {
        let result = MigrateSupport.migrate(Self.vs("""
          - match: [{uri: {regex: "/items/[0-9]+"}}]
            route: [{destination: {host: api}}]
          - match: [{uri: {exact: /items/42}}]
            route: [{destination: {host: web}}]
        """))
        #expect(result.findings.contains { $0.severity == .behaviourChange && $0.why.contains("regular expressions") })
        #expect(result.exitCode == 3)
    }
}
