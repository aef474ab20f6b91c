import Testing
import TernResources
@testable import TernMigrate

/// Istio's Bookinfo traffic-management tasks: subsets, weights, header matches, faults,
/// retries, timeouts, and the all-v1 baseline.
@Suite struct BookinfoTests {
    static func base() throws -> String {
        try ["00-workloads.yaml", "20-destination-rules.yaml"].map { try MigrateSupport.example("istio/bookinfo/\($0)") }.joined(separator: "\n---\n")
    }

    static func routes(_ result: MigrationResult) -> [GatewayAPI.HTTPRoute] {
        result.manifests.compactMap { $0 as? GatewayAPI.HTTPRoute }
    }

    @Test func wholeExampleMatchesGolden() throws {
        let yaml = try ["00-workloads.yaml", "10-gateway.yaml", "20-destination-rules.yaml", "30-virtualservices.yaml", "40-security.yaml"]
            .map { try MigrateSupport.example("istio/bookinfo/\($0)") }.joined(separator: "\n---\n")
        let result = MigrateSupport.migrate(yaml)
        try MigrateSupport.golden("bookinfo.yaml", try MigrateSupport.manifests(result))
        try MigrateSupport.golden("bookinfo-report.txt", FindingsReport.render(result, format: .text))
    }

    @Test func subsetsBecomePerVersionServices() throws {
        let result = MigrateSupport.migrate(try Self.base())
        let services = result.manifests.compactMap { $0 as? Service }
        #expect(services.map(\.name) == ["details-v1", "productpage-v1", "ratings-v1", "reviews-v1", "reviews-v2", "reviews-v3"])
        let v2 = try #require(services.first { $0.name == "reviews-v2" })
        #expect(v2.spec?.selector == ["app": "reviews", "version": "v2"])
        #expect(v2.spec?.ports?.first?.port == 9080)
        // Outlier detection → failure accrual on the Service and on each subset Service.
        #expect(v2.metadata.annotations?[TranslationContext.maxFailures] == "7")
        #expect(v2.metadata.annotations?[TranslationContext.minPenalty] == "15m0s")
        let patch = try #require(result.patches.first { $0.name == "reviews" })
        #expect(patch.annotations[TranslationContext.failureAccrual] == "consecutive")
        #expect(patch.command.hasPrefix("kubectl patch service -n bookinfo reviews --type=merge -p '{\"metadata\":{\"annotations\":{"))
    }

    @Test func reviews80_20WithJason() throws {
        let result = MigrateSupport.migrate(try Self.base() + "\n---\n" + (try MigrateSupport.example("istio/bookinfo/30-virtualservices.yaml")))
        let reviews = Self.routes(result).filter { $0.name.hasPrefix("reviews") }
        // Retries differ between the two rules, so they are two routes in Istio's order.
        #expect(reviews.map(\.name) == ["reviews-0", "reviews-1"])
        let jason = try #require(reviews[0].spec?.rules?.first)
        #expect(jason.matches == [GatewayAPI.HTTPRouteMatch(headers: [GatewayAPI.HTTPHeaderMatch(type: .exact, name: "end-user", value: "jason")])])
        #expect(jason.backendRefs == [GatewayAPI.BackendRef(namespace: "bookinfo", name: "reviews-v2", port: 9080)])
        let split = try #require(reviews[1].spec?.rules?.first)
        #expect(split.backendRefs?.map(\.name) == ["reviews-v1", "reviews-v3"])
        #expect(split.backendRefs?.map(\.weight) == [80, 20])
        #expect(reviews[1].metadata.annotations?["retry.linkerd.io/limit"] == "3")
        #expect(reviews[1].metadata.annotations?["retry.linkerd.io/http"] == "5xx")
        #expect(reviews[1].metadata.annotations?["retry.linkerd.io/timeout"] == "2s")
        #expect(reviews.allSatisfy { $0.spec?.parentRefs == [GatewayAPI.ParentReference(group: "core", kind: "Service", name: "reviews", port: 9080)] })
    }

    @Test func ratingsDelayAndAbort() throws {
        let result = MigrateSupport.migrate(try Self.base() + "\n---\n" + (try MigrateSupport.example("istio/bookinfo/30-virtualservices.yaml")))
        let ratings = Self.routes(result).filter { $0.name.hasPrefix("ratings") }
        #expect(ratings.map(\.name) == ["ratings-0", "ratings-1"])
        #expect(ratings[0].metadata.annotations?[FaultInjection.delayKey] == "7s")
        #expect(ratings[1].metadata.annotations?[FaultInjection.abortHTTPStatusKey] == "503")
        #expect(ratings[1].metadata.annotations?[FaultInjection.abortPercentKey] == "10")
        #expect(result.findings.allSatisfy { !$0.field.contains("fault") })
    }

    @Test func allV1() throws {
        let allV1 = ["productpage", "reviews", "ratings", "details"].map { app in
            """
            apiVersion: networking.istio.io/v1alpha3
            kind: VirtualService
            metadata:
              name: \(app)
              namespace: bookinfo
            spec:
              hosts:
              - \(app)
              http:
              - route:
                - destination:
                    host: \(app)
                    subset: v1
            """
        }.joined(separator: "\n---\n")
        let result = MigrateSupport.migrate(try Self.base() + "\n---\n" + allV1)
        try MigrateSupport.golden("bookinfo-all-v1.yaml", try MigrateSupport.manifests(result))
        for route in Self.routes(result) {
            let backend = try #require(route.spec?.rules?.first?.backendRefs?.first)
            #expect(backend.name == "\(route.name)-v1")
            #expect(backend.weight == nil)
        }
        #expect(result.exitCode == 0, "\(result.findings)")
    }

    @Test func ingressRouteKeepsIstioOrder() throws {
        let yaml = try Self.base() + "\n---\n" + (try MigrateSupport.example("istio/bookinfo/10-gateway.yaml"))
        let route = try #require(Self.routes(MigrateSupport.migrate(yaml)).first { $0.name == "bookinfo" })
        let paths = route.spec?.rules?.first?.matches?.compactMap { $0.path?.value }
        #expect(paths == ["/productpage", "/static", "/login", "/logout", "/api/v1/products"])
        #expect(route.spec?.rules?.first?.backendRefs == [GatewayAPI.BackendRef(namespace: "bookinfo", name: "productpage", port: 9080)])
    }
}
