import Testing
import TernCore
import TernPolicy
import TernResources
@testable import TernControl

/// Builds cluster state from YAML for index tests.
func clusterState(_ yaml: String) -> ClusterState {
    let result = ManifestParser().parse(text: yaml, file: "state.yaml")
    #expect(result.errors.isEmpty, "\(result.errors.map(\.description))")
    return ClusterState(result.objects)
}

@Suite("Destination index")
struct DestinationIndexTests {
    static let faces = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: faces, annotations: {linkerd.io/inject: enabled}}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: color, namespace: faces}
    spec:
      clusterIP: 10.96.0.20
      selector: {app: color}
      ports: [{name: http, port: 80, targetPort: http}, {name: db, port: 5432, targetPort: 5432}]
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: color-7d4-abcde
      namespace: faces
      labels: {app: color}
      ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: color-7d4, controller: true}]
    spec:
      serviceAccountName: color
      containers: [{name: color, ports: [{name: http, containerPort: 8000}]}]
    status: {phase: Running, podIP: 10.1.0.7}
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: color-legacy
      namespace: faces
      labels: {app: color}
      annotations: {linkerd.io/inject: disabled}
    spec:
      containers: [{name: color, ports: [{name: http, containerPort: 8001}]}]
    status: {phase: Running, podIP: 10.1.0.8}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: color-done, namespace: faces, labels: {app: color}}
    spec: {containers: [{name: c}]}
    status: {phase: Succeeded, podIP: 10.1.0.9}
    """

    @Test("selector-picked pods with identities, protocol hints and owner labels")
    func podsBySelector() throws {
        let index = DestinationIndex(state: clusterState(Self.faces))
        let set = index.endpoints(forAuthority: "color.faces.svc.cluster.local:80")
        #expect(set.exists)
        #expect(set.labels == ["namespace": "faces", "service": "color"])
        #expect(set.endpoints.map(\.socketAddress) == ["10.1.0.7:8000", "10.1.0.8:8001"])
        let meshed = set.endpoints[0]
        #expect(meshed.identity == "color.faces.serviceaccount.identity.tern.cluster.local")
        #expect(meshed.protocolHint == .http2)
        #expect(meshed.opaqueTransportPort == 4143)
        #expect(meshed.labels == ["namespace": "faces", "pod": "color-7d4-abcde", "serviceaccount": "color", "deployment": "color-7d4".split(separator: "-").dropLast().joined(separator: "-")])
        let plain = set.endpoints[1]
        #expect(plain.identity == nil)
        #expect(plain.protocolHint == .unknown)
    }

    @Test("opaque ports, cluster IPs, pod IPs and unknown targets")
    func addressesAndOpaquePorts() throws {
        let index = DestinationIndex(state: clusterState(Self.faces))
        let db = index.endpoints(forAuthority: "10.96.0.20:5432")
        #expect(db.endpoints.first?.protocolHint == .opaque)
        #expect(db.endpoints.first?.port == 5432)
        let pod = index.endpoints(forAuthority: "10.1.0.7:8000")
        #expect(pod.endpoints.count == 1 && pod.endpoints[0].identity != nil)
        #expect(index.endpoints(forAuthority: "10.99.99.99:80") == .unknown)
        #expect(index.endpoints(forAuthority: "nope.faces.svc.cluster.local:80") == .unknown)
        let wrongPort = index.endpoints(forAuthority: "color.faces:81")
        #expect(wrongPort.exists && wrongPort.endpoints.isEmpty)
    }

    @Test("EndpointSlices win over selectors; not-ready endpoints are left out")
    func endpointSlices() throws {
        let index = DestinationIndex(state: clusterState(Self.faces + """

        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: color-x, namespace: faces, labels: {kubernetes.io/service-name: color}}
        addressType: IPv4
        ports: [{name: http, port: 8000}]
        endpoints:
        - addresses: [10.1.0.7]
          targetRef: {kind: Pod, name: color-7d4-abcde, namespace: faces}
        - addresses: [10.1.0.50]
          conditions: {ready: false}
        """))
        let set = index.endpoints(forAuthority: "color.faces.svc:80")
        #expect(set.endpoints.map(\.socketAddress) == ["10.1.0.7:8000"])
        #expect(set.endpoints[0].identity != nil)
    }

    @Test("legacy Endpoints objects")
    func legacyEndpoints() throws {
        let index = DestinationIndex(state: clusterState("""
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: data}
        spec: {ports: [{port: 5432}]}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: db, namespace: data}
        subsets: [{addresses: [{ip: 192.168.1.10}], ports: [{port: 5432}]}]
        """))
        #expect(index.endpoints(forAuthority: "db.data.svc.cluster.local:5432").endpoints.map(\.socketAddress) == ["192.168.1.10:5432"])
    }

    @Test("authorities parse in every form Kubernetes clients use", arguments: [
        ("web.ns.svc.cluster.local:8080", "web.ns.svc:8080"), ("web.ns.svc:80", "web.ns.svc:80"), ("web.ns", "web.ns.svc:80"),
        ("WEB.NS.SVC.CLUSTER.LOCAL.:80", "web.ns.svc:80"), ("10.0.0.1:80", "10.0.0.1:80"), ("[fd00::1]:443", "[fd00::1]:443"),
    ])
    func authorities(input: String, expected: String) {
        #expect(DestinationTarget(authority: input, clusterDomain: "cluster.local")?.description == expected)
    }

    @Test("bad authorities are rejected", arguments: ["web", "10.0.0.1", "a.b.c:80", "web.ns:0", "web.ns:99999", "[fd00::1", "web.ns:http", ""])
    func badAuthorities(input: String) {
        #expect(DestinationTarget(authority: input, clusterDomain: "cluster.local") == nil)
    }

    @Test func portSets() throws {
        #expect(try PortSet.parse("25, 4000-4100,8080").get().contains(4050))
        #expect(!(try PortSet.parse("25,587").get().contains(80)))
        if case .failure(let e) = PortSet.parse("80,x") { #expect(e.part == "x") } else { Issue.record("expected failure") }
        if case .failure = PortSet.parse("90-80") {} else { Issue.record("expected failure for a reversed range") }
    }
}

@Suite("Destination index: external workloads")
struct ExternalWorkloadEndpointTests {
    @Test("a selected ExternalWorkload is a meshed endpoint with its declared identity")
    func externalWorkload() throws {
        let index = DestinationIndex(state: clusterState("""
        apiVersion: v1
        kind: Service
        metadata: {name: legacy, namespace: vms}
        spec: {selector: {app: legacy}, ports: [{port: 80, targetPort: http}]}
        ---
        apiVersion: workload.linkerd.io/v1beta1
        kind: ExternalWorkload
        metadata: {name: vm-1, namespace: vms, labels: {app: legacy}}
        spec:
          meshTLS: {identity: legacy.vms.serviceaccount.identity.tern.cluster.local, serverName: legacy.vms.cluster.local}
          ports: [{name: http, port: 8080}]
          workloadIPs: [{ip: 192.168.50.10}]
        """))
        let set = index.endpoints(forAuthority: "legacy.vms:80")
        let e = try #require(set.endpoints.first)
        #expect(e.socketAddress == "192.168.50.10:8080")
        #expect(e.identity == "legacy.vms.serviceaccount.identity.tern.cluster.local")
        #expect(e.protocolHint == .http2)
        #expect(e.labels["external_workload"] == "vm-1")
        #expect(e.labels["serviceaccount"] == "legacy")
    }
}
