import Testing
@testable import TernResources

/// Hostile and broken input: every case must end in a clear error that names the file and a
/// line, never a crash or a hang.
@Suite("Bad input corpus", .timeLimit(.minutes(1)))
struct BadInputCorpusTests {
    let parser = ManifestParser()

    func diagnostics(_ text: String, file: String = "bad.yaml") -> [String] {
        let result = parser.parse(text: text, file: file)
        #expect(!result.isValid)
        return result.diagnostics.map(\.description)
    }

    func diagnostics(bytes: [UInt8], file: String = "bad.yaml") -> [String] {
        let result = parser.parse(bytes: bytes, file: file)
        #expect(!result.isValid)
        return result.diagnostics.map(\.description)
    }

    @Test func malformedYAML() {
        let d = diagnostics("apiVersion: v1\nkind: Service\nmetadata: {name: [unclosed\n")
        #expect(d.count == 1)
        #expect(d[0].hasPrefix("bad.yaml:"), "\(d)")
        #expect(d[0].contains("invalid YAML"), "\(d)")
    }

    @Test func tabsForIndentation() {
        let d = diagnostics("apiVersion: v1\nkind: Service\nmetadata:\n\tname: color\n")
        #expect(d.count == 1)
        #expect(d[0].hasPrefix("bad.yaml:4:"), "\(d)")
        #expect(d[0].contains("tabs"), "\(d)")
    }

    @Test func wrongTypes() {
        let d = diagnostics("""
        apiVersion: v1
        kind: Service
        metadata:
          name: color
          labels: [a, b]
        spec:
          ports: {port: 80}
          selector:
            app: 7
        """)
        #expect(d.contains("bad.yaml:5: metadata.labels: expected a mapping, got a list"), "\(d)")
        #expect(d.contains("bad.yaml:7: spec.ports: expected a list, got a mapping"), "\(d)")
        #expect(d.contains("bad.yaml:9: spec.selector.app: expected a string, got the number 7 (quote it: \"7\")"), "\(d)")
    }

    @Test func missingRequiredFields() {
        let d = diagnostics("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          namespace: faces
        spec:
          template:
            spec:
              containers:
              - image: nginx
        """)
        #expect(d.contains("bad.yaml:3: metadata.name: required field \"name\" is missing"), "\(d)")
        #expect(d.contains("bad.yaml:5: spec.selector: required field \"selector\" is missing"), "\(d)")
        #expect(d.contains("bad.yaml:9: spec.template.spec.containers[0].name: required field \"name\" is missing"), "\(d)")
    }

    @Test func missingApiVersionAndKind() {
        #expect(diagnostics("metadata: {name: a}\n") == ["bad.yaml:1: apiVersion: required field \"apiVersion\" is missing"])
        #expect(diagnostics("apiVersion: v1\nmetadata: {name: a}\n") == ["bad.yaml:1: kind: required field \"kind\" is missing"])
    }

    @Test func unknownEnumValue() {
        let d = diagnostics("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: Magic\n")
        #expect(d == ["bad.yaml:5: spec.type: expected one of \"ClusterIP\", \"NodePort\", \"LoadBalancer\", \"ExternalName\", got \"Magic\""])
    }

    @Test func unservedVersion() {
        let d = diagnostics("apiVersion: apps/v1beta9\nkind: Deployment\nmetadata: {name: a}\n")
        #expect(d == ["bad.yaml:1: apiVersion: Deployment is not served at apps/v1beta9; Tern accepts apps/v1"])
    }

    @Test func duplicateKeys() {
        let d = diagnostics("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n")
        #expect(d.count == 1)
        #expect(d[0].contains("duplicate key \"name\""), "\(d)")
        #expect(d[0].hasPrefix("bad.yaml:4:") || d[0].hasPrefix("bad.yaml:5:"), "\(d)")
    }

    @Test func tenMegabyteDocument() {
        let big = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: \"" + String(repeating: "x", count: 10 << 20) + "\"\n"
        let d = diagnostics(big)
        #expect(d.count == 1)
        #expect(d[0].contains("document is 10.0 MiB"), "\(d)")
        #expect(d[0].hasPrefix("bad.yaml:1:"))
    }

    @Test func oversizedFileIsRefusedWithoutParsing() {
        var limits = ManifestLimits()
        limits.maxFileBytes = 1024
        let small = ManifestParser(limits: limits)
        let d = small.parse(bytes: Array(repeating: UInt8(ascii: "#"), count: 2048), file: "huge.yaml").diagnostics.map(\.description)
        #expect(d == ["huge.yaml: file is 2 KiB; Tern reads manifest files of at most 1 KiB"])
    }

    @Test func deeplyNestedFlow() {
        let deep = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
        let d = diagnostics(deep)
        #expect(d.count == 1)
        #expect(d[0].contains("nesting deeper than 100 levels"), "\(d)")
    }

    @Test func deeplyNestedBlocks() {
        var yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n"
        for i in 1...300 { yaml += String(repeating: " ", count: i) + "k\(i):\n" }
        let d = diagnostics(yaml)
        #expect(d.count == 1)
        #expect(d[0].contains("nesting deeper than 100 levels"), "\(d)")
    }

    @Test func aliasBomb() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...8 { yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let d = diagnostics(yaml)
        #expect(d.count == 1)
        #expect(d[0].contains("expands to more than"), "\(d)")
    }

    @Test func binaryJunk() {
        var generator = SystemRandomNumberGenerator()
        var junk = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        junk[100] = 0
        let d = diagnostics(bytes: junk)
        #expect(d.count == 1)
        #expect(d[0].contains("binary data"), "\(d)")
    }

    @Test func invalidUTF8() {
        let bytes = Array("apiVersion: v1\nkind: Service\n".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        let d = diagnostics(bytes: bytes)
        #expect(d == ["bad.yaml:3: file is not valid UTF-8 text (bad byte at offset 29); expected YAML or JSON"])
    }

    @Test func emptyFiles() {
        #expect(diagnostics("") == ["bad.yaml: no objects found (the file is empty or holds only comments)"])
        #expect(diagnostics("# only a comment\n---\n---\n") == ["bad.yaml: no objects found (the file is empty or holds only comments)"])
    }

    @Test func truncatedDocument() {
        let d = diagnostics("apiVersion: v1\nkind: Service\nmetadata:\n  name: \"trunc")
        #expect(d.count == 1)
        #expect(d[0].contains("invalid YAML"), "\(d)")
    }

    @Test func scalarAndListDocuments() {
        #expect(diagnostics("just a string\n") == ["bad.yaml:1: expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got \"just a string\""])
        #expect(diagnostics("- a\n- b\n") == ["bad.yaml:1: expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got a list"])
    }

    @Test func malformedJSON() {
        let d = diagnostics("{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"a\"", file: "bad.json")
        #expect(d.count == 1)
        #expect(d[0].hasPrefix("bad.json:"), "\(d)")
        #expect(d[0].contains("invalid YAML: did not find expected ',' or '}'"), "\(d)")
    }

    @Test func oneBadDocumentDoesNotHideOthers() {
        let d = diagnostics("""
        apiVersion: v1
        kind: Service
        metadata: {name: ok}
        spec: {ports: [{port: 80}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: bad}
        spec: {ports: [{port: 0}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: [
        """)
        #expect(d.count == 2, "\(d)")
        #expect(ManifestParser().parse(text: "apiVersion: v1\nkind: Service\nmetadata: {name: ok}\nspec: {ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: bad}\nspec: {ports: [{port: 0}]}\n", file: "x").objects.map(\.key.name) == ["ok"])
        #expect(d.contains("bad.yaml:9: spec.ports[0].port: expected a port number from 1 to 65535, got 0"), "\(d)")
        #expect(d.contains { $0.hasPrefix("bad.yaml:13:") || $0.hasPrefix("bad.yaml:14:") }, "\(d)")
    }

    @Test func badNamesAndLabels() {
        let d = diagnostics("""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: Faces_NS
          namespace: x
          labels:
            "bad key!": v
            ok: "-bad-"
        """)
        #expect(d.contains { $0.hasPrefix("bad.yaml:4: metadata.name: \"Faces_NS\" is not a valid name") }, "\(d)")
        #expect(d.contains("bad.yaml:5: metadata.namespace: Namespace is cluster-scoped and takes no namespace"), "\(d)")
        #expect(d.contains("bad.yaml:7: metadata.labels[\"bad key!\"]: \"bad key!\" is not a valid label key"), "\(d)")
        #expect(d.contains { $0.hasPrefix("bad.yaml:8: metadata.labels.ok: \"-bad-\" is not a valid label value") }, "\(d)")
    }

    @Test func listItemsCarryTheirPath() {
        let d = diagnostics("""
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Service
          metadata: {name: a}
          spec: {ports: [{port: 80}]}
        - apiVersion: v1
          kind: Service
          metadata: {name: b}
          spec: {ports: [{port: -1}]}
        """)
        #expect(d == ["bad.yaml:11: items[1].spec.ports[0].port: expected a port number from 1 to 65535, got -1"])
    }
}

@Suite("Well-known annotations")
struct AnnotationRuleTests {
    @Test func badValuesAreReported() {
        let errors = ManifestTestSupport.errors("""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: faces
          annotations:
            config.linkerd.io/default-inbound-policy: all-authenticted
            linkerd.io/inject: yes-please
            config.linkerd.io/opaque-ports: "3306,http"
            retry.linkerd.io/http: 5xx,teapot
            timeout.linkerd.io/request: soon
        """)
        #expect(errors.contains("test.yaml:6: metadata.annotations[\"config.linkerd.io/default-inbound-policy\"]: expected one of \"all-unauthenticated\", \"all-authenticated\", \"cluster-unauthenticated\", \"cluster-authenticated\", \"deny\", \"audit\", got \"all-authenticted\""), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("test.yaml:7: metadata.annotations[\"linkerd.io/inject\"]: expected one of") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("test.yaml:8: metadata.annotations[\"config.linkerd.io/opaque-ports\"]: expected ports") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("test.yaml:9: metadata.annotations[\"retry.linkerd.io/http\"]: \"teapot\" is not a retry condition") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("test.yaml:10: metadata.annotations[\"timeout.linkerd.io/request\"]: expected a duration") }, "\(errors)")
        #expect(errors.count == 5)
    }

    @Test func goodValuesPass() {
        _ = ManifestTestSupport.valid("""
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          annotations:
            config.linkerd.io/opaque-ports: "3306, 4000-4100"
            retry.linkerd.io/http: 5xx,gateway-error,429
            retry.linkerd.io/limit: "3"
            timeout.linkerd.io/request: 1m30s
            balancer.linkerd.io/failure-accrual: consecutive
        spec: {ports: [{port: 80}]}
        """)
    }
}

@Suite("Fault injection annotations on routes")
struct FaultAnnotationValidationTests {
    @Test(arguments: ["gateway.networking.k8s.io/v1\nkind: HTTPRoute", "gateway.networking.k8s.io/v1\nkind: GRPCRoute", "policy.linkerd.io/v1beta3\nkind: HTTPRoute"])
    func badFaultValuesAreErrors(header: String) {
        let errors = ManifestTestSupport.errors("""
        apiVersion: \(header)
        metadata:
          name: r
          annotations: {fault.tern.io/delay: soon, fault.tern.io/dealy-percent: "5"}
        spec:
          parentRefs: [{name: s, kind: Service, group: core, port: 80}]
        """)
        #expect(errors.count == 2, "\(errors)")
        #expect(errors.allSatisfy { $0.hasPrefix("test.yaml:5: metadata.annotations[\"fault.tern.io/") }, "\(errors)")
    }
}
