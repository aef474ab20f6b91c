import Testing
import TernResources
@testable import TernMigrate

/// The small pure pieces: host resolution, identity mapping, match algebra, names.
@Suite struct UnitTests {
    static let index = ServiceIndex(services: [Service(name: "reviews", namespace: "bookinfo", spec: Service.Spec(selector: ["app": "reviews"], ports: [Service.ServicePort(name: "http", port: 9080)]))],
                                    workloads: [])

    @Test(arguments: [("reviews", "bookinfo"), ("reviews.bookinfo", "bookinfo"), ("reviews.bookinfo.svc", "bookinfo"), ("reviews.bookinfo.svc.cluster.local", "bookinfo")])
    func resolvesServiceHosts(host: String, namespace: String) throws {
        let resolved = try #require(Self.index.resolve(host: host, from: "bookinfo"))
        #expect(resolved.name == "reviews")
        #expect(resolved.namespace == namespace)
        #expect(Self.index.port(of: resolved, requested: nil) == 9080)
    }

    @Test func externalAndWildcardHostsDoNotResolve() {
        #expect(Self.index.resolve(host: "api.example.com", from: "bookinfo") == nil)
        #expect(Self.index.resolve(host: "example.com", from: "bookinfo") == nil)
        #expect(Self.index.resolve(host: "*.bookinfo.svc.cluster.local", from: "bookinfo") == nil)
    }

    @Test func principalsBecomeIdentities() {
        let m = PrincipalMapping(controlPlaneNamespace: "tern", trustDomain: nil)
        #expect(m.identity(principal: "cluster.local/ns/faces/sa/default") == .identity("default.faces.serviceaccount.identity.tern.cluster.local"))
        #expect(m.identity(principal: "spiffe://example.org/ns/a/sa/b") == .identity("b.a.serviceaccount.identity.tern.example.org"))
        #expect(m.identity(principal: "cluster.local/ns/ops/sa/*") == .identity("*.ops.serviceaccount.identity.tern.cluster.local"))
        #expect(m.identity(principal: "*") == .identity("*"))
        if case .unsupported = m.identity(principal: "cluster.local/ns/prod-*/sa/x") {} else { Issue.record("a namespace pattern must not map") }
        #expect(m.identity(namespace: "checkout") == .identity("*.checkout.serviceaccount.identity.tern.cluster.local"))
        #expect(PrincipalMapping(controlPlaneNamespace: "linkerd", trustDomain: "prod.local").identity(principal: "cluster.local/ns/a/sa/b")
                == .identity("b.a.serviceaccount.identity.linkerd.prod.local"))
    }

    @Test func matchAlgebra() {
        typealias M = GatewayAPI.HTTPRouteMatch
        let prefix = M(path: GatewayAPI.HTTPPathMatch(type: .pathPrefix, value: "/api/"))
        let exact = M(path: GatewayAPI.HTTPPathMatch(type: .exact, value: "/api/x"))
        let other = M(path: GatewayAPI.HTTPPathMatch(type: .exact, value: "/apix"))
        #expect(MatchAlgebra.intersect(prefix, exact) == .match(exact))
        #expect(MatchAlgebra.intersect(prefix, other) == .disjoint)
        #expect(MatchAlgebra.rank(exact) > MatchAlgebra.rank(prefix))
        let get = M(method: .get), post = M(method: .post)
        #expect(MatchAlgebra.intersect(get, post) == .disjoint)
        let a = M(headers: [GatewayAPI.HTTPHeaderMatch(type: .exact, name: "X-User", value: "a")])
        let b = M(headers: [GatewayAPI.HTTPHeaderMatch(type: .exact, name: "x-user", value: "b")])
        #expect(MatchAlgebra.intersect(a, b) == .disjoint)
        let regex = M(path: GatewayAPI.HTTPPathMatch(type: .regularExpression, value: "/api/.*"))
        #expect(MatchAlgebra.intersect(regex, exact) == .unknown)
    }

    @Test func namesAreUniqueAndValid() {
        var names = NameAllocator()
        #expect(names.allocate(kind: "HTTPRoute", namespace: "a", base: "Reviews_V2") == "reviews-v2")
        #expect(names.allocate(kind: "HTTPRoute", namespace: "a", base: "reviews-v2") == "reviews-v2-2")
        #expect(names.allocate(kind: "Service", namespace: "a", base: "reviews-v2") == "reviews-v2")
        #expect(names.allocate(kind: "HTTPRoute", namespace: "a", base: String(repeating: "x", count: 80)).count == 63)
    }

    @Test func patchCommands() {
        let p = AnnotationPatch(kind: "Deployment", namespace: "shop", name: "web", target: .podTemplate, annotations: ["b": "2", "a": "1"], source: "x")
        #expect(p.command == "kubectl patch deployment -n shop web --type=merge -p '{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"a\":\"1\",\"b\":\"2\"}}}}}'")
    }
}
