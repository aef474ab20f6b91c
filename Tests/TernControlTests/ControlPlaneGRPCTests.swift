import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ServiceLifecycle
import Testing
import TernAPI
import TernCore
import TernPolicy
import TernResources
@testable import TernControl

/// Real gRPC over loopback: a controller fed by a directory source, real clients subscribing,
/// and the directory changing under them.
@Suite("Destination and policy over gRPC", .timeLimit(.minutes(2)))
struct ControlPlaneGRPCTests {
    static let service = """
    apiVersion: v1
    kind: Service
    metadata: {name: color, namespace: faces}
    spec: {selector: {app: color}, ports: [{name: http, port: 80, targetPort: 8000}]}
    """
    static func pod(_ name: String, ip: String, annotations: String = "{linkerd.io/inject: enabled}") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name), namespace: faces, labels: {app: color}, annotations: \(annotations)}
        spec: {serviceAccountName: color, containers: [{name: color}]}
        status: {phase: Running, podIP: \(ip)}
        """
    }

    /// Runs a controller (directory source + destination and policy servers) for `body`.
    static func withController(_ directory: String, _ body: @Sendable (Int) async throws -> Void) async throws {
        let store = ClusterStore()
        let logger = Logger(label: "test")
        let listener = GRPCListener(name: "control", host: "127.0.0.1", port: 0,
                                    services: [DestinationService(store: store), InboundPolicyService(store: store), OutboundPolicyService(store: store)],
                                    logger: logger, onShutdown: { await store.closeAll() })
        let source = DirectorySource(directory: directory, interval: .milliseconds(20))
        let group = ServiceGroup(services: [listener], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask { try await source.run { await store.apply($0) } }
            var port = 0
            for _ in 0..<200 where port == 0 {
                port = (try? await listener.boundPort()) ?? 0
                if port == 0 { try await Task.sleep(for: .milliseconds(10)) }
            }
            try #require(port != 0)
            try await body(port)
            await group.triggerGracefulShutdown()
            tasks.cancelAll()
        }
    }

    static func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tern-cp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("subscribe, change the directory, observe endpoint updates in order")
    func destinationStream() async throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.service.write(toFile: dir + "/svc.yaml", atomically: true, encoding: .utf8)
        try Self.pod("color-a", ip: "10.1.0.1").write(toFile: dir + "/pod-a.yaml", atomically: true, encoding: .utf8)

        try await Self.withController(dir) { port in
            try await withGRPCClient(transport: .http2NIOPosix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)) { client in
                let destination = Tern_Destination_V1_Destination.Client(wrapping: client)
                var request = Tern_Destination_V1_GetDestination()
                request.path = "color.faces.svc.cluster.local:80"
                try await destination.get(request) { response in
                    var view = EndpointSet(exists: false)
                    var step = 0
                    for try await message in response.messages {
                        guard let update = try message.domain() else { continue }
                        view.apply(update)
                        switch step {
                        case 0:
                            // Whole set first, with identity and hint.
                            try #require(view.endpoints.map(\.socketAddress) == ["10.1.0.1:8000"])
                            #expect(view.endpoints[0].identity == "color.faces.serviceaccount.identity.tern.cluster.local")
                            #expect(view.endpoints[0].protocolHint == .http2)
                            try Self.pod("color-b", ip: "10.1.0.2").write(toFile: dir + "/pod-b.yaml", atomically: true, encoding: .utf8)
                        case 1:
                            try #require(view.endpoints.count == 2)
                            #expect(update == .add([view.endpoints[1]], setLabels: ["namespace": "faces", "service": "color"]))
                            #expect(view.endpoints.map(\.socketAddress) == ["10.1.0.1:8000", "10.1.0.2:8000"])
                            try FileManager.default.removeItem(atPath: dir + "/pod-a.yaml")
                        case 2:
                            #expect(update == .remove(["10.1.0.1:8000"]))
                            try FileManager.default.removeItem(atPath: dir + "/svc.yaml")
                        default:
                            #expect(update == .noEndpoints(exists: false))
                            return
                        }
                        step += 1
                    }
                }
            }
        }
    }

    @Test("bad requests get clear statuses")
    func badRequests() async throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await Self.withController(dir) { port in
            try await withGRPCClient(transport: .http2NIOPosix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)) { client in
                var request = Tern_Destination_V1_GetDestination()
                request.path = "not a destination"
                let error = await #expect(throws: RPCError.self) {
                    try await Tern_Destination_V1_Destination.Client(wrapping: client).get(request) { response in
                        for try await _ in response.messages {}
                    }
                }
                #expect(error?.code == .invalidArgument)
                #expect(error?.message.contains("is not a destination") == true)

                var port = Tern_Policy_V1_InboundPort()
                port.workload = "no-colon"
                port.port = 80
                let inboundError = await #expect(throws: RPCError.self) {
                    try await Tern_Policy_V1_InboundServerPolicies.Client(wrapping: client).watch(port) { response in
                        for try await _ in response.messages {}
                    }
                }
                #expect(inboundError?.code == .invalidArgument)
            }
        }
    }

    @Test("inbound default policy follows namespace annotation changes; outbound follows routes")
    func policyStreams() async throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.service.write(toFile: dir + "/svc.yaml", atomically: true, encoding: .utf8)
        try "apiVersion: v1\nkind: Namespace\nmetadata: {name: faces}\n".write(toFile: dir + "/ns.yaml", atomically: true, encoding: .utf8)
        try await Self.withController(dir) { port in
            try await withGRPCClient(transport: .http2NIOPosix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)) { client in
                var request = Tern_Policy_V1_InboundPort()
                request.workload = "faces:color-a"
                request.port = 8000
                try await Tern_Policy_V1_InboundServerPolicies.Client(wrapping: client).watch(request) { response in
                    var seen: [String] = []
                    for try await message in response.messages {
                        let policy = try message.domain()
                        seen.append(policy.serverName)
                        if seen.count == 1 {
                            #expect(policy.serverName == "all-unauthenticated")
                            try "apiVersion: v1\nkind: Namespace\nmetadata: {name: faces, annotations: {config.linkerd.io/default-inbound-policy: deny}}\n"
                                .write(toFile: dir + "/ns.yaml", atomically: true, encoding: .utf8)
                        } else {
                            #expect(policy.serverName == "deny")
                            #expect(policy.authorizations.isEmpty)
                            return
                        }
                    }
                }

                var target = Tern_Policy_V1_OutboundTarget()
                target.target = "color.faces.svc.cluster.local:80"
                try await Tern_Policy_V1_OutboundPolicies.Client(wrapping: client).watch(target) { response in
                    var count = 0
                    for try await message in response.messages {
                        let policy = try #require(try message.domain())
                        count += 1
                        if count == 1 {
                            #expect(policy.routes.map(\.kind) == ["default"])
                            try """
                            apiVersion: gateway.networking.k8s.io/v1
                            kind: HTTPRoute
                            metadata: {name: color-split, namespace: faces}
                            spec:
                              parentRefs: [{name: color, kind: Service, group: core, port: 80}]
                              rules:
                              - backendRefs: [{name: color, port: 80, weight: 50}, {name: color2, port: 80, weight: 50}]
                            """.write(toFile: dir + "/route.yaml", atomically: true, encoding: .utf8)
                        } else {
                            #expect(policy.routes.map(\.kind) == ["HTTPRoute"])
                            #expect(policy.routes[0].backends.map(\.weight) == [50, 50])
                            return
                        }
                    }
                }
            }
        }
    }
}
