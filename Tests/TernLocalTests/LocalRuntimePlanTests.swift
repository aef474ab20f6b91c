import Foundation
import Testing
import TernLocal
import TernResources

/// The local runtime's pure decisions: mode, addresses, the workloads manifests describe,
/// the pods and hosts files it publishes.
struct LocalRuntimePlanTests {
    static func state(_ yaml: String) -> ClusterState {
        let result = ManifestParser().parse(bytes: Array(yaml.utf8), file: "test.yaml")
        #expect(result.isValid, "\(result.diagnostics)")
        return ClusterState(result.objects)
    }

    @Test func modeChoice() throws {
        let root = HostCapabilities(isLinux: true, isRoot: true, missingTools: [])
        let user = HostCapabilities(isLinux: true, isRoot: false, missingTools: [])
        #expect(try ModeChoice.choose(requested: nil, host: root).mode == .transparent)
        let fallback = try ModeChoice.choose(requested: nil, host: user)
        #expect(fallback.mode == .explicit)
        #expect(fallback.reason.contains("needs root"))
        #expect(try ModeChoice.choose(requested: .explicit, host: root).mode == .explicit)
        #expect(throws: ModeChoice.Unavailable.self) { try ModeChoice.choose(requested: .transparent, host: user) }
        let noTools = HostCapabilities(isLinux: true, isRoot: true, missingTools: ["setpriv"])
        #expect(try ModeChoice.choose(requested: nil, host: noTools).reason.contains("setpriv"))
    }

    @Test func subnetAvoidsUsedBlocksAndAllocatesHosts() throws {
        #expect(SubnetPlan.pick(avoiding: [])?.block == 1)
        let plan = try #require(SubnetPlan.pick(avoiding: ["10.213.1.1/24", "10.213.2.7/24", "192.168.1.1/24", "garbage", "10.212.3.1/24"]))
        #expect(plan.block == 3)
        #expect(plan.gateway == "10.213.3.1")
        #expect(plan.address(ofWorkload: 0) == "10.213.3.2")
        #expect(plan.address(ofWorkload: 253) == nil)
        #expect(plan.nextAddress(excluding: ["10.213.3.2", "10.213.3.3"]) == "10.213.3.4")
        #expect(SubnetPlan.pick(avoiding: (1...254).map { "10.213.\($0).1/24" }) == nil)
    }

    @Test func facesManifestsPlanSixWorkloads() throws {
        let plan = WorkloadPlanner.plan(Self.state(FacesManifests.yaml), mode: .transparent)
        #expect(plan.workloads.map(\.name).sorted() == ["color", "color2", "face", "faces-gui", "load", "smiley"])
        let color2 = try #require(plan.workloads.first { $0.name == "color2" })
        #expect(color2.serviceAccount == "color2")
        #expect(color2.identity == "color2.faces.serviceaccount.identity.tern.cluster.local")
        #expect(color2.command == "tern demo workload color")
        #expect(color2.environment == ["FACES_COLOR": "green"])
        #expect(color2.ports == [.init(name: "http", port: 8000)])
        #expect(color2.labels == ["service": "color2"])
        #expect(plan.skipped.isEmpty)
    }

    @Test func workloadsWithoutACommandOrInboundPortAreSkippedWithAReason() {
        let yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: nginx}]}
            ---
            apiVersion: workload.linkerd.io/v1beta1
            kind: ExternalWorkload
            metadata: {name: vm, namespace: shop, annotations: {tern.io/command: ./vm-app}}
            spec:
              meshTLS: {identity: vm.shop.serviceaccount.identity.tern.cluster.local, serverName: vm.shop.serviceaccount.identity.tern.cluster.local}
              workloadIPs: [{ip: 127.0.0.1}]
              ports: [{name: http, port: 9000}]
            """
        let explicit = WorkloadPlanner.plan(Self.state(yaml), mode: .explicit)
        #expect(explicit.workloads.isEmpty)
        #expect(explicit.skipped.contains { $0.contains("shop/web") && $0.contains("tern.io/command") })
        #expect(explicit.skipped.contains { $0.contains("shop/vm") && $0.contains("proxy-inbound-port") })
        let annotated = yaml.replacingOccurrences(of: "annotations: {tern.io/command: ./vm-app}",
                                                  with: "annotations: {tern.io/command: ./vm-app, config.linkerd.io/proxy-inbound-port: \"4500\"}")
        let vm = WorkloadPlanner.plan(Self.state(annotated), mode: .explicit).workloads.first
        #expect(vm?.serviceAccount == "vm")
        #expect(vm?.fixedProxyInboundPort == 4500)
        #expect(WorkloadPlanner.plan(Self.state(annotated), mode: .transparent).skipped.contains { $0.contains("explicit mode only") })
    }

    @Test func publishedPodsAreValidAndCarryTheirPlacement() throws {
        let workload = try #require(WorkloadPlanner.plan(Self.state(FacesManifests.yaml), mode: .explicit).workloads.first { $0.name == "face" })
        let placement = Placement(address: "127.0.0.1", applicationPorts: [8000: 41000], outboundPort: 41001, inboundPort: 41002, adminPort: 41003)
        let text = PodManifests.render([(workload, placement)], mode: .explicit)
        let pod = try #require(Self.state(text).get(Pod.self, namespace: "faces", name: "face-local-0"))
        #expect(pod.status?.podIP == "127.0.0.1")
        #expect(pod.serviceAccountName == "face")
        #expect(pod.metadata.annotation("config.linkerd.io/proxy-inbound-port") == "41002")
        #expect(pod.metadata.annotation("linkerd.io/inject") == "enabled")
        #expect(pod.spec?.containers?.first?.ports?.first?.containerPort == 41000)
        #expect(pod.metadata.ownerReferences?.first?.name == "face-local")
        let transparent = PodManifests.render([(workload, .transparent(address: "10.213.1.4", workload: workload, namespace: "ns"))], mode: .transparent)
        #expect(!transparent.contains("proxy-inbound-port"))
    }

    @Test func hostsFileNamesServicesByClusterDNS() {
        let hosts = HostsFile.render(Self.state(FacesManifests.yaml), workloadNamespace: "faces")
        #expect(hosts.contains("10.96.20.12 smiley.faces.svc.cluster.local smiley.faces.svc smiley.faces smiley\n"))
        #expect(HostsFile.render(Self.state(FacesManifests.yaml), workloadNamespace: "other").contains("smiley.faces\n"))
    }

    @Test func exampleFileIsTheDemosManifests() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let example = try String(contentsOf: root.appendingPathComponent("examples/demo/faces.yaml"), encoding: .utf8)
        #expect(example == FacesManifests.yaml, "regenerate with `tern demo manifests > examples/demo/faces.yaml`")
    }

    @Test func urlsAreParsedStrictly() {
        #expect(HTTPURL(parsing: "http://face.faces.svc.cluster.local/") == HTTPURL(host: "face.faces.svc.cluster.local"))
        #expect(HTTPURL(parsing: "http://127.0.0.1:4140")?.port == 4140)
        for bad in ["", "https://x/", "http://", "http://:80/", "http://a:0/", "http://a:99999/", "http://a:-1/", "http://a b/", "http://é/", "http://a:8o/"] {
            #expect(HTTPURL(parsing: bad) == nil, "\(bad)")
        }
    }
}
