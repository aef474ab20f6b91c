import Testing
import Yams
@testable import TernResources

@Suite("SMI models")
struct SMIModelTests {
    typealias S = ManifestTestSupport

    @Test("seed 002: canary TrafficSplits at v1alpha2")
    func seedSplits() throws {
        let split = try S.roundTrip(SMI.TrafficSplit.self, """
        apiVersion: split.smi-spec.io/v1alpha2
        kind: TrafficSplit
        metadata:
          name: my-app-canary
          namespace: my-app
        spec:
          service: my-app
          backends:
          - service: my-app-v1
            weight: 90
          - service: my-app-v2
            weight: 10
        """)
        #expect(split.spec?.backends?.map(\.weight) == [.number(90), .number(10)])
        try S.roundTrip(SMI.TrafficSplit.self, """
        apiVersion: split.smi-spec.io/v1alpha2
        kind: TrafficSplit
        metadata:
          name: my-app
        spec:
          service: my-app
          backends:
          - service: my-app-v1
            weight: 100
          - service: my-app-v2
            weight: 0
        """)
    }

    @Test("v1alpha1 takes quantity weights")
    func quantityWeights() throws {
        let split = try S.roundTrip(SMI.TrafficSplit.self, """
        apiVersion: split.smi-spec.io/v1alpha1
        kind: TrafficSplit
        metadata: {name: web-split, namespace: faces}
        spec:
          service: web
          backends:
          - {service: web-v1, weight: 500m}
          - {service: web-v2, weight: "1"}
          - {service: web-v3, weight: 0.25}
        """)
        #expect(split.spec?.backends?.map { $0.weight?.milliValue } == [500, 1000, 250])
    }

    @Test("v1alpha3 and v1alpha4 take matches")
    func matches() throws {
        for version in ["v1alpha3", "v1alpha4"] {
            try S.roundTrip(SMI.TrafficSplit.self, """
            apiVersion: split.smi-spec.io/\(version)
            kind: TrafficSplit
            metadata: {name: ab-test, namespace: faces}
            spec:
              service: website
              matches:
              - {kind: HTTPRouteGroup, name: ab-test, apiGroup: specs.smi-spec.io}
              backends:
              - {service: website-v1, weight: 0}
              - {service: website-v2, weight: 100}
            """)
        }
    }

    @Test("built in code, a split encodes at v1alpha2")
    func builtInCode() throws {
        let split = SMI.TrafficSplit(metadata: ObjectMeta(name: "s", namespace: "faces"),
                                     spec: .init(service: "web", backends: [.init(service: "web-v1", weight: 90), .init(service: "web-v2", weight: 10)]))
        #expect(split.apiVersion == "split.smi-spec.io/v1alpha2")
        #expect(S.valid(try YAMLEncoder().encode(split)).first?.as(SMI.TrafficSplit.self) == split)
    }

    @Test("invalid splits: names, weights, duplicates and version-gated fields")
    func badSplits() {
        let errors = S.errors("""
        apiVersion: split.smi-spec.io/v1alpha2
        kind: TrafficSplit
        metadata: {name: s}
        spec:
          service: Web_App
          matches: [{kind: HTTPRouteGroup, name: ab}]
          backends:
          - {service: web-v1, weight: 500m}
          - {service: web-v1, weight: -5}
          - {service: web-v2}
        ---
        apiVersion: split.smi-spec.io/v1alpha1
        kind: TrafficSplit
        metadata: {name: s}
        spec:
          backends: []
        ---
        apiVersion: split.smi-spec.io/v1alpha4
        kind: TrafficSplit
        metadata: {name: s}
        spec:
          service: web
          backends: [{service: web, weight: [1]}]
          matches: [{kind: Route, name: x}]
        """)
        #expect(errors == [
            "test.yaml:5: spec.service: expected a Service name (a DNS label: lowercase letters, digits and '-', at most 63 characters), got \"Web_App\"",
            "test.yaml:6: spec.matches: matches needs split.smi-spec.io/v1alpha3 or later, got split.smi-spec.io/v1alpha2",
            "test.yaml:8: spec.backends[0].weight: expected a whole number weight in split.smi-spec.io/v1alpha2 (quantities such as \"500m\" need v1alpha1), got \"500m\"",
            "test.yaml:9: spec.backends[1].service: backend \"web-v1\" is listed twice",
            "test.yaml:9: spec.backends[1].weight: weight must be 0 or more, got -5",
            "test.yaml:10: spec.backends[2].weight: required field \"weight\" is missing",
            "test.yaml:15: spec.service: required field \"service\" is missing",
            "test.yaml:16: spec.backends: must not be empty",
            "test.yaml:23: spec.backends[0].weight: expected a whole number or a quantity such as \"500m\", got a list",
            "test.yaml:24: spec.matches[0].kind: expected one of \"HTTPRouteGroup\", \"TCPRoute\", \"UDPRoute\", got \"Route\"",
        ], "\(errors)")
    }

    @Test("quantities in thousandths", arguments: [
        ("500m", Int64?(500)), ("1", 1000), ("0.25", 250), ("1k", 1_000_000), ("2Ki", 2_048_000), ("+3", 3000), ("-1", -1000),
        ("1.5m", 2), ("1e3", 1_000_000), ("5E-3", 5), ("5x", nil), ("m", nil), (".", nil), ("1e", nil), ("1e3m", nil), ("1.2.3", nil), ("", nil), (" 1", nil),
    ])
    func quantities(text: String, milli: Int64?) {
        #expect(Quantity.text(text).milliValue == milli)
    }
}
