import Foundation
import Synchronization
import TernLocal

#if canImport(Glibc)
import Glibc
#endif

/// A whole local mesh for proxy tests, from real processes: PKI made by `tern identity init`,
/// a `tern-controller` serving identity and destination from a manifests directory, and any
/// number of `tern-proxy` processes with tokens for their service accounts. Everything lives
/// in one temporary directory removed by `stop()`.
final class MeshFixture: @unchecked Sendable {
    let dir: String
    /// Where the controller listens; a bridge address when proxies run in namespaces.
    let host: String
    let identityPort = freePort()
    let destinationPort = freePort()
    let policyPort = freePort()
    private(set) var controller: RunningProcess?
    private var proxies: [ProxyProcess] = []

    static let controlPlaneName = "tern-destination.tern.serviceaccount.identity.tern.cluster.local"

    static func identity(_ serviceAccount: String, _ namespace: String) -> String {
        "\(serviceAccount).\(namespace).serviceaccount.identity.tern.cluster.local"
    }

    init(host: String = "127.0.0.1") async throws {
        self.host = host
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tern-mesh-\(UUID().uuidString)").path
        do {
            try FileManager.default.createDirectory(atPath: "\(dir)/manifests", withIntermediateDirectories: true)
            let (status, _, err) = try await run("tern", ["identity", "init", "--trust-domain", "cluster.local", "--out", dir])
            guard status == 0 else { throw HarnessError("tern identity init: \(err)") }
        } catch {
            // No one gets a fixture to stop, so the half-made directory goes here.
            try? FileManager.default.removeItem(atPath: dir)
            throw error
        }
    }

    /// The processes this fixture started (controller and proxies), running or not.
    var processIdentifiers: [Int32] {
        ([controller] + proxies.map(\.process)).compactMap { $0?.process.processIdentifier }
    }

    /// Writes (or replaces) one manifest file; the controller's directory source picks it up.
    func write(_ name: String, _ yaml: String) throws {
        let path = "\(dir)/manifests/\(name)"
        try yaml.write(toFile: path + ".tmp", atomically: false, encoding: .utf8)
        rename(path + ".tmp", path)
    }

    /// Starts the controller and waits until all three servers listen. `extraArguments` go
    /// last on its command line.
    func startController(extraArguments: [String] = []) async throws {
        let process = try RunningProcess("tern-controller", [
            "--identity-dir", dir, "--identity-host", host, "--identity-port", "\(identityPort)",
            "--serve", "identity,destination,policy", "--source", "dir:\(dir)/manifests",
            "--api-host", host, "--destination-port", "\(destinationPort)", "--policy-port", "\(policyPort)",
            "--admin-host", "127.0.0.1", "--admin-port", "0",
        ] + extraArguments)
        controller = process
        _ = try await process.waitForLine(startingWith: "identity listening ")
        _ = try await process.waitForStderr(containing: "destination server listening")
        _ = try await process.waitForStderr(containing: "policy server listening")
    }

    func stopController() async {
        guard let controller else { return }
        controller.process.terminate()
        _ = try? await controller.wait()
        self.controller = nil
    }

    /// Starts a proxy for `serviceAccount` in `namespace` and waits until it is ready (holds
    /// a certificate). `extra` adds or overrides TERN_PROXY_* variables.
    ///
    /// With `netns`, the proxy runs inside that network namespace as UID 2102 (the UID
    /// `tern proxy-init` exempts from redirection) on the standard ports, as a sidecar does.
    func startProxy(_ serviceAccount: String, namespace: String, inboundPort: Int? = nil, netns: String? = nil,
                    extra: [String: String] = [:]) async throws -> ProxyProcess {
        let tokenPath = "\(dir)/\(namespace)-\(serviceAccount).token"
        if !FileManager.default.fileExists(atPath: tokenPath) {
            let (status, _, err) = try await run("tern", [
                "identity", "token", "--identity-dir", dir, "--namespace", namespace,
                "--service-account", serviceAccount, "--out", tokenPath,
            ])
            guard status == 0 else { throw HarnessError("tern identity token: \(err)") }
        }
        let ports = netns == nil
            ? (outbound: freePort(), inbound: inboundPort ?? freePort(), admin: freePort())
            : (outbound: 4140, inbound: 4143, admin: 4191)
        if netns != nil {
            // The proxy's UID must read its token; the token is only for this test's mesh.
            chmod(tokenPath, 0o644)
        }
        var environment = [
            "TERN_PROXY_IDENTITY_LOCAL_NAME": Self.identity(serviceAccount, namespace),
            "TERN_PROXY_IDENTITY_SVC_ADDR": "\(host):\(identityPort)",
            "TERN_PROXY_IDENTITY_SVC_NAME": "tern-identity.tern.serviceaccount.identity.tern.cluster.local",
            "TERN_PROXY_IDENTITY_TOKEN_FILE": tokenPath,
            "TERN_PROXY_IDENTITY_TRUST_ANCHORS_FILE": "\(dir)/ca.crt",
            "TERN_PROXY_DESTINATION_SVC_ADDR": "\(host):\(destinationPort)",
            "TERN_PROXY_DESTINATION_SVC_NAME": Self.controlPlaneName,
            "TERN_PROXY_POLICY_SVC_ADDR": "\(host):\(policyPort)",
            "TERN_PROXY_OUTBOUND_PORT": "\(ports.outbound)",
            "TERN_PROXY_INBOUND_PORT": "\(ports.inbound)",
            "TERN_PROXY_ADMIN_PORT": "\(ports.admin)",
            "TERN_PROXY_LOG_LEVEL": "debug",
            "TERN_PROXY_SHUTDOWN_GRACE_PERIOD": "2s",
        ]
        for (key, value) in extra { environment[key] = value }
        let process: RunningProcess
        if let netns {
            process = try RunningProcess(
                path: try ProcessRunner.locate("ip").path,
                arguments: ["netns", "exec", netns, "setpriv", "--reuid=2102", "--regid=2102", "--clear-groups",
                            try Binaries.path("tern-proxy")],
                environment: environment)
        } else {
            process = try RunningProcess("tern-proxy", [], environment: environment)
        }
        let proxy = ProxyProcess(process: process, outboundPort: ports.outbound, inboundPort: ports.inbound,
                                 adminPort: ports.admin, netns: netns)
        proxies.append(proxy)
        try await proxy.waitUntilReady()
        return proxy
    }

    func stop() async {
        for proxy in proxies { proxy.process.terminate() }
        for proxy in proxies { await Self.reap(proxy.process) }
        if let controller {
            controller.terminate()
            await Self.reap(controller)
            self.controller = nil
        }
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Waits for a terminated process; one that ignores SIGTERM past the wait's timeout is
    /// killed, so no process outlives its fixture.
    private static func reap(_ process: RunningProcess) async {
        guard (try? await process.wait()) == nil else { return }
        kill(process.process.processIdentifier, SIGKILL)
        _ = try? await process.wait(timeout: 5)
    }
}

/// Ports handed out in this process, so no two fixtures (or two ports of one) get the same.
private let handedOutPorts = Mutex<Set<Int>>([])

/// A free loopback port for a child process to bind. Picked below Linux's ephemeral range
/// (32768–60999): a port found by binding port 0 comes from that range, and the many client
/// connections the tests open can take it as their source port before the child binds it.
func freePort() -> Int {
    for _ in 0..<500 {
        let port = Int.random(in: 20_000..<32_000)
        guard handedOutPorts.withLock({ $0.insert(port).inserted }), canBind(port) else { continue }
        return port
    }
    preconditionFailure("no free loopback port between 20000 and 32000")
}

private func canBind(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}
