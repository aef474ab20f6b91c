import Testing
@testable import TernResources

@Suite("Core Kubernetes kinds")
struct CoreModelTests {
    typealias S = ManifestTestSupport

    @Test func service() throws {
        let svc = try S.roundTrip(Service.self, """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: faces
          labels: {app: web}
          annotations: {config.linkerd.io/opaque-ports: "3306"}
        spec:
          type: ClusterIP
          clusterIP: 10.96.0.10
          clusterIPs: [10.96.0.10, "fd00::a"]
          selector: {app: web}
          ports:
          - {name: http, port: 80, targetPort: 8080, protocol: TCP, appProtocol: kubernetes.io/h2c}
          - {name: admin, port: 9990, targetPort: admin}
        """)
        #expect(svc.clusterIPs == ["10.96.0.10", "fd00::a"])
        #expect(svc.spec?.ports?[0].targetPort == .number(8080))
        #expect(svc.metadata.annotation("config.linkerd.io/opaque-ports") == "3306")
    }

    @Test func endpointsAndSlices() throws {
        let ep = try S.roundTrip(Endpoints.self, """
        apiVersion: v1
        kind: Endpoints
        metadata: {name: web, namespace: faces}
        subsets:
        - addresses:
          - ip: 10.1.0.5
            targetRef: {kind: Pod, name: web-1, namespace: faces}
          notReadyAddresses: [{ip: 10.1.0.6}]
          ports: [{name: http, port: 8080}]
        """)
        #expect(ep.subsets?.first?.addresses?.first?.targetRef?.name == "web-1")
        let slice = try S.roundTrip(EndpointSlice.self, """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: web-abc
          namespace: faces
          labels: {kubernetes.io/service-name: web}
        addressType: IPv4
        endpoints:
        - addresses: [10.1.0.5]
          conditions: {ready: true, serving: true, terminating: false}
          targetRef: {kind: Pod, name: web-1}
          zone: a
        ports: [{name: http, port: 8080, protocol: TCP}]
        """)
        #expect(slice.serviceName == "web")
        #expect(S.errors("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s}\naddressType: IPv4\nendpoints:\n- addresses: [nope]\n")
                == ["test.yaml:6: endpoints[0].addresses[0]: expected an IPv4 address, got \"nope\""])
    }

    @Test func podWithStatus() throws {
        let pod = try S.roundTrip(Pod.self, """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web-1
          namespace: faces
          labels: {app: web}
          annotations: {linkerd.io/inject: enabled}
          ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d9, controller: true}]
        spec:
          serviceAccountName: web
          containers:
          - name: web
            image: faces/web:1
            ports: [{name: http, containerPort: 8080}]
            env: [{name: MODE, value: fast}]
        status:
          phase: Running
          podIP: 10.1.0.5
          podIPs: [{ip: 10.1.0.5}, {ip: "fd00::5"}]
        """)
        #expect(pod.serviceAccountName == "web")
        #expect(pod.ips == ["10.1.0.5", "fd00::5"])
        #expect(pod.metadata.ownerReferences?.first?.kind == "ReplicaSet")
        let defaulted = try #require(S.valid("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n").first?.as(Pod.self))
        #expect(defaulted.serviceAccountName == "default")
    }

    @Test(arguments: ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"])
    func workloads(kind: String) throws {
        let yaml = """
        apiVersion: apps/v1
        kind: \(kind)
        metadata: {name: web, namespace: faces}
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
            matchExpressions: [{key: tier, operator: In, values: [front]}]
          template:
            metadata:
              labels: {app: web, tier: front}
              annotations: {linkerd.io/inject: enabled}
            spec:
              serviceAccountName: web
              containers: [{name: web, image: faces/web:1}]
        """
        let objects = S.valid(yaml)
        let workload = try #require(objects.first?.resource as? any PodWorkload)
        #expect(workload.template?.metadata?.annotations?["linkerd.io/inject"] == "enabled")
        try ExamplesRoundTripTests.assertRoundTrip(workload)
    }

    @Test func workloadSelectorMustMatchTemplate() {
        let errors = S.errors("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: other}}
            spec: {containers: [{name: web}]}
        """)
        #expect(errors == ["test.yaml:7: spec.template.metadata: the selector does not match the template's labels, so the workload would own none of its pods"])
    }

    @Test func selectorOperators() {
        let errors = S.errors("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector:
            matchExpressions:
            - {key: tier, operator: In}
            - {key: tier, operator: Exists, values: [x]}
            - {key: tier, operator: Near, values: [x]}
          template:
            metadata: {labels: {tier: x}}
            spec: {containers: [{name: web}]}
        """)
        #expect(errors.contains("test.yaml:7: spec.selector.matchExpressions[0].values: values must not be empty for operator In"), "\(errors)")
        #expect(errors.contains("test.yaml:8: spec.selector.matchExpressions[1].values: values must be empty for operator Exists"), "\(errors)")
        #expect(errors.contains("test.yaml:9: spec.selector.matchExpressions[2].operator: expected one of \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\", got \"Near\""), "\(errors)")
    }

    @Test func namespaceServiceAccountSecret() throws {
        let ns = try S.roundTrip(Namespace.self, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: faces\n  annotations: {config.linkerd.io/default-inbound-policy: deny}\n")
        #expect(ns.metadata.annotation("config.linkerd.io/default-inbound-policy") == "deny")
        try S.roundTrip(ServiceAccount.self, "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: faces}\n")
        let secret = try S.roundTrip(Secret.self, "apiVersion: v1\nkind: Secret\nmetadata: {name: tls, namespace: faces}\ntype: kubernetes.io/tls\ndata: {tls.key: c2VjcmV0}\n")
        #expect(secret.type == "kubernetes.io/tls")
    }

    @Test func servicePortRules() {
        let errors = S.errors("""
        apiVersion: v1
        kind: Service
        metadata: {name: Web.Front}
        spec:
          clusterIP: 10.0.0.300
          ports:
          - {port: 80, targetPort: "Not_A_Name"}
          - {name: http, port: 81}
          - {name: http, port: 82}
        """)
        #expect(errors.contains { $0.hasPrefix("test.yaml:3: metadata: a Service name must be a DNS label") || $0.hasPrefix("test.yaml:3: metadata.name:") }, "\(errors)")
        #expect(errors.contains("test.yaml:5: spec.clusterIP: expected an IP address or \"None\", got \"10.0.0.300\""), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("test.yaml:7: spec.ports[0].targetPort: expected a port number or name, got \"Not_A_Name\"") }, "\(errors)")
        #expect(errors.contains("test.yaml:7: spec.ports[0].name: every port needs a name when a Service has more than one port"), "\(errors)")
        #expect(errors.contains("test.yaml:9: spec.ports[2].name: duplicate port name \"http\""), "\(errors)")
    }

    @Test func yamlAndJSONGiveTheSameModel() throws {
        let fromYAML = try #require(S.valid("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}]}\n").first?.as(Service.self))
        let fromJSON = try #require(S.valid("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\"},\"spec\":{\"ports\":[{\"port\":80}]}}", file: "a.json").first?.as(Service.self))
        #expect(fromYAML == fromJSON)
    }
}
