import Foundation
import Testing

/// A real tern-controller process watching a directory, asked by real `tern diagnostics`
/// commands over TLS, following a change to the directory live, then stopped with SIGTERM.
@Suite("tern-controller and tern diagnostics", .timeLimit(.minutes(2)))
struct ControllerProcessTests {
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func pod(_ name: String, _ ip: String) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name), namespace: faces, labels: {app: color}}
        spec: {serviceAccountName: color, containers: [{name: color}]}
        status: {phase: Running, podIP: \(ip)}
        """
    }

    @Test func controllerServesDiagnosticsAndFollowsChanges() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tern-ctl-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/state", withIntermediateDirectories: true)
        let initOut = try await TernBinary.run(["identity", "init", "--trust-domain", "cluster.local", "--out", dir + "/id"])
        try #require(initOut.status == 0, "\(initOut.stderr)")
        try """
        apiVersion: v1
        kind: Namespace
        metadata: {name: faces, annotations: {linkerd.io/inject: enabled, config.linkerd.io/default-inbound-policy: cluster-authenticated}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: color, namespace: faces}
        spec: {selector: {app: color}, ports: [{name: http, port: 80, targetPort: 8000}]}
        """.write(toFile: dir + "/state/faces.yaml", atomically: true, encoding: .utf8)
        try Self.pod("color-1", "10.1.0.7").write(toFile: dir + "/state/pod-1.yaml", atomically: true, encoding: .utf8)

        let (identityPort, destinationPort, policyPort, adminPort) = (Self.freePort(), Self.freePort(), Self.freePort(), Self.freePort())
        let controller = Process()
        controller.executableURL = TernBinary.productsDirectory.appendingPathComponent("tern-controller")
        controller.arguments = ["--identity-dir", dir + "/id", "--source", "dir:" + dir + "/state",
                                "--identity-host", "127.0.0.1", "--identity-port", "\(identityPort)",
                                "--api-host", "127.0.0.1", "--destination-port", "\(destinationPort)", "--policy-port", "\(policyPort)",
                                "--admin-host", "127.0.0.1", "--admin-port", "\(adminPort)"]
        controller.standardOutput = FileHandle.nullDevice
        controller.standardError = FileHandle.nullDevice
        try controller.run()
        defer { if controller.isRunning { controller.terminate() } }

        let tls = ["--trust-anchors", dir + "/id/ca.crt"]
        @Sendable func endpoints() async throws -> [[String: Any]]? {
            let out = try await TernBinary.run(["diagnostics", "endpoints", "color.faces:80", "--controller", "127.0.0.1:\(destinationPort)", "-o", "json"] + tls)
            guard out.status == 0, let json = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any] else { return nil }
            return json["endpoints"] as? [[String: Any]]
        }
        func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
            for _ in 0..<100 {
                if try await condition() { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }

        #expect(try await eventually { try await endpoints()?.count == 1 })
        let first = try #require(try await endpoints()?.first)
        #expect(first["identity"] as? String == "color.faces.serviceaccount.identity.tern.cluster.local")
        #expect(first["port"] as? Int == 8000)

        // A new pod appears in the directory; the controller follows it live.
        try Self.pod("color-2", "10.1.0.8").write(toFile: dir + "/state/pod-2.yaml", atomically: true, encoding: .utf8)
        #expect(try await eventually { try await endpoints()?.count == 2 })

        let policy = try await TernBinary.run(["diagnostics", "policy", "faces/color-1", "8000", "--controller", "127.0.0.1:\(policyPort)"] + tls)
        #expect(policy.status == 0, "\(policy.stderr)")
        #expect(policy.stdout.contains("default/cluster-authenticated"), "\(policy.stdout)")

        // A bad file is rejected and changes nothing.
        try "apiVersion: v1\nkind: Pod\nmetadata: {name: color-3, namespace: faces}\nspec: {containers: [{name: \"Bad Name\"}]}\n"
            .write(toFile: dir + "/state/bad.yaml", atomically: true, encoding: .utf8)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await endpoints()?.count == 2)

        let unknown = try await TernBinary.run(["diagnostics", "endpoints", "nope.faces:80", "--controller", "127.0.0.1:\(destinationPort)"] + tls)
        #expect(unknown.stdout.contains("no such service"))
        let wrongAnchors = try await TernBinary.run(["diagnostics", "endpoints", "color.faces:80", "--controller", "127.0.0.1:\(destinationPort)",
                                               "--trust-anchors", dir + "/id/issuer.crt", "--server-name", "someone.else"])
        #expect(wrongAnchors.status == 1, "a controller that cannot prove the expected identity is refused")

        controller.terminate()
        let stopped = try await eventually { !controller.isRunning }
        #expect(stopped, "SIGTERM stops the controller gracefully")
    }
}
