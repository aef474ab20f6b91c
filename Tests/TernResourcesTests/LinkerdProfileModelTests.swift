import Testing
@testable import TernResources

/// Round trips of Linkerd's ServiceProfile (`linkerd.io`) and ExternalWorkload
/// (`workload.linkerd.io`).
@Suite("Linkerd profile and workload models")
struct LinkerdProfileModelTests {
    typealias S = ManifestTestSupport

    @Test("seed 002: ServiceProfiles with conditions, response classes and timeouts")
    func seedServiceProfiles() throws {
        let sp = try S.roundTrip(Linkerd.ServiceProfile.self, """
        apiVersion: linkerd.io/v1alpha2
        kind: ServiceProfile
        metadata:
          name: my-app.my-app.svc.cluster.local
          namespace: my-app
        spec:
          routes:
          - name: GET /api/users/{id}
            condition:
              method: GET
              pathRegex: /api/users/[^/]+
            isRetryable: false
            timeout: 5s
            responseClasses:
            - condition:
                status:
                  min: 500
                  max: 599
              isFailure: true
        """)
        #expect(sp.spec?.routes?.first?.responseClasses?.first?.condition?.status == .init(min: 500, max: 599))
        try S.roundTrip(Linkerd.ServiceProfile.self, """
        apiVersion: linkerd.io/v1alpha2
        kind: ServiceProfile
        metadata:
          name: external-api.example.com
          namespace: my-app
        spec:
          routes:
          - name: GET /api/data
            condition:
              method: GET
              pathRegex: /api/data/.*
            timeout: 10s
        """)
    }

    @Test("seed 002: a route-level retry budget and a route without a condition")
    func seedRouteBudget() throws {
        let sp = try S.roundTrip(Linkerd.ServiceProfile.self, """
        apiVersion: linkerd.io/v1alpha2
        kind: ServiceProfile
        metadata:
          name: my-app.my-app.svc.cluster.local
        spec:
          routes:
          - name: GET /api
            isRetryable: true
            timeout: 5s
            retryBudget:
              minRetriesPerSecond: 10
              maxRetriesPerSecond: 100
              retryRatio: 0.2
        """)
        #expect(sp.spec?.routes?.first?.retryBudget?.maxRetriesPerSecond == 100)
        let sticky = try S.roundTrip(Linkerd.ServiceProfile.self, """
        apiVersion: linkerd.io/v1alpha2
        kind: ServiceProfile
        metadata:
          name: my-app.my-app.svc.cluster.local
        spec:
          routes:
          - name: GET /
            isRetryable: true
        """)
        #expect(sticky.spec?.routes?.first?.condition == nil)
    }

    @Test("ServiceProfile v1alpha1 and v1alpha2 with nested conditions, budget and overrides")
    func fullServiceProfile() throws {
        for version in ["v1alpha1", "v1alpha2"] {
            let sp = try S.roundTrip(Linkerd.ServiceProfile.self, """
            apiVersion: linkerd.io/\(version)
            kind: ServiceProfile
            metadata: {name: books.booksapp.svc.cluster.local, namespace: booksapp}
            spec:
              routes:
              - name: POST /books/{id}
                condition:
                  all:
                  - method: POST
                  - any: [{pathRegex: "/books/[0-9]+"}, {pathRegex: "/books/new"}]
                  - not: {pathRegex: "/books/0"}
                responseClasses:
                - condition:
                    any: [{status: {min: 500}}, {not: {status: {max: 399}}}]
                  isFailure: true
                isRetryable: true
                timeout: 1m30s
              retryBudget: {retryRatio: 0.2, minRetriesPerSecond: 10, ttl: 10s}
              dstOverrides:
              - {authority: books.booksapp.svc.cluster.local:7002, weight: 500m}
              - {authority: books-v2.booksapp.svc.cluster.local:7002, weight: 500}
            """)
            let all = try #require(sp.spec?.routes?.first?.condition?.all)
            #expect(all[2].not?.pathRegex == "/books/0")
            #expect(sp.spec?.dstOverrides?.first?.weight?.milliValue == 500)
            #expect(sp.spec?.dstOverrides?.last?.weight == .number(500))
        }
    }

    @Test("ExternalWorkload v1beta1 and v1alpha1")
    func externalWorkload() throws {
        for version in ["v1beta1", "v1alpha1"] {
            try S.roundTrip(Linkerd.ExternalWorkload.self, """
            apiVersion: workload.linkerd.io/\(version)
            kind: ExternalWorkload
            metadata:
              name: legacy-app
              namespace: mixed-env
              labels: {app: legacy-app, location: vm}
            spec:
              meshTLS:
                identity: "spiffe://root.linkerd.cluster.local/legacy-app"
                serverName: "legacy-app.cluster.local"
              workloadIPs: [{ip: 172.21.0.5}]
              ports:
              - {port: 80, name: http, protocol: TCP}
            """)
        }
    }
}
