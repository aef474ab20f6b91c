import Testing
import TernResources
@testable import TernMigrate

/// Bad Istio input is refused with file, line, field and what was expected.
@Suite struct MalformedInputTests {
    static func errors(_ yaml: String) -> [String] {
        InputReader.read([InputReader.File(name: "istio.yaml", bytes: Array(yaml.utf8), lenient: false)]).errors.map(\.description)
    }

    @Test func wrongTypesAndShapes() {
        let errors = Self.errors("""
        apiVersion: networking.istio.io/v1alpha3
        kind: VirtualService
        metadata: {name: broken, namespace: shop}
        spec:
          hosts: [web]
          http:
          - match:
            - uri: {prefix: /a, exact: /a}
            fault:
              delay: {fixedDelay: soon, percentage: {value: "all"}}
            route:
            - destination: {host: web}
              weight: 150
        """)
        #expect(errors.contains("istio.yaml:8: spec.http[0].match[0].uri: set exactly one of exact, prefix or regex"))
        #expect(errors.contains { $0.hasPrefix("istio.yaml:10: spec.http[0].fault.delay.percentage.value: expected a number") })
        #expect(errors.contains { $0.hasPrefix("istio.yaml:10: spec.http[0].fault.delay.fixedDelay: expected a duration") })
        #expect(errors.contains("istio.yaml:13: spec.http[0].route[0].weight: weight must be from 0 to 100, got 150"))
    }

    @Test func unknownVersionAndMissingFields() {
        let errors = Self.errors("""
        apiVersion: networking.istio.io/v2
        kind: Gateway
        metadata: {name: gw, namespace: shop}
        spec: {}
        ---
        apiVersion: security.istio.io/v1beta1
        kind: AuthorizationPolicy
        metadata: {name: ap, namespace: shop}
        spec:
          action: MAYBE
        ---
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata: {name: dr, namespace: shop}
        spec:
          subsets: [{name: v1, labels: {version: v1}}, {name: v1, labels: {version: v2}}]
        """)
        #expect(errors.contains { $0.hasPrefix("istio.yaml:1: apiVersion: Gateway is not served at networking.istio.io/v2") })
        #expect(errors.contains { $0.hasPrefix("istio.yaml:10: spec.action: expected one of \"ALLOW\", \"DENY\", \"AUDIT\", \"CUSTOM\", got \"MAYBE\"") })
        #expect(errors.contains("istio.yaml:15: spec.host: required field \"host\" is missing"))
        #expect(errors.contains("istio.yaml:16: spec.subsets[1].name: duplicate subset name \"v1\""))
    }

    @Test func dumpSkipsBrokenObjectsOfOtherKinds() {
        let dump = """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {name: bad, namespace: shop}
          spec: {replicas: -1}
        - apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: web, namespace: shop}
          spec:
            hosts: [web]
            http: [{route: [{destination: {host: web}}]}]
        """
        let loaded = InputReader.read([InputReader.File(name: "dump.yaml", bytes: Array(dump.utf8), lenient: true)])
        #expect(loaded.errors.isEmpty, "\(loaded.errors)")
        #expect(!loaded.warnings.isEmpty)
        #expect(loaded.input.virtualServices.count == 1)
    }
}
