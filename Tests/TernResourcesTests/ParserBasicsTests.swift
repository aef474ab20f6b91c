import Testing
@testable import TernResources

@Suite("Manifest parser basics")
struct ParserBasicsTests {
    let parser = ManifestParser()

    @Test("a valid Service decodes with its fields")
    func validService() throws {
        let yaml = """
        apiVersion: v1
        kind: Service
        metadata:
          name: color
          namespace: faces
        spec:
          selector: {app: color}
          ports:
          - name: http
            port: 80
            targetPort: http
        """
        let result = parser.parse(text: yaml, file: "svc.yaml")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let svc = try #require(result.objects.first?.as(Service.self))
        #expect(svc.spec?.ports?.first?.port == 80)
        #expect(svc.spec?.ports?.first?.targetPort == .name("http"))
        #expect(svc.namespace == "faces")
    }

    @Test("every error in a document is reported with file, line and path")
    func collectsAllErrors() {
        let yaml = """
        apiVersion: v1
        kind: Service
        metadata:
          name: color
        spec:
          type: Sideways
          ports:
          - name: http
            port: eighty
          - name: grpc
            port: 70000
            nodePort: "x"
        """
        let result = parser.parse(text: yaml, file: "faces.yaml")
        let text = result.diagnostics.map(\.description)
        #expect(text.contains("faces.yaml:6: spec.type: expected one of \"ClusterIP\", \"NodePort\", \"LoadBalancer\", \"ExternalName\", got \"Sideways\""), "\(text)")
        #expect(text.contains("faces.yaml:9: spec.ports[0].port: expected a whole number, got \"eighty\""), "\(text)")
        #expect(text.contains { $0.hasPrefix("faces.yaml:12: spec.ports[1].nodePort:") }, "\(text)")
        #expect(text.contains("faces.yaml:11: spec.ports[1].port: expected a port number from 1 to 65535, got 70000"), "\(text)")
        #expect(result.objects.isEmpty)
    }
}
