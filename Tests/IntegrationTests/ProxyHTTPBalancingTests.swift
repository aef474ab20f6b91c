import Foundation
import Testing

/// Endpoints change under load: the manifests are rewritten while a client keeps sending
/// requests on one keep-alive connection; requests follow the change and none fails.
@Suite(.serialized) struct ProxyHTTPBalancingTests {
    @Test func requestsFollowEndpointChangesUnderLoadWithoutFailing() async throws {
        try await HTTPMesh.with { pair in
            let second = try HTTPTestServer(name: "echo2")
            defer { second.kill() }
            let secondInbound = freePort()
            _ = try await pair.mesh.startProxy("echo2", namespace: "test", inboundPort: secondInbound)
            let workloads = [
                EchoManifests.Workload(name: "echo", appPort: pair.server.port, identity: EchoMesh.serverIdentity,
                                       proxyInbound: pair.serverProxy.inboundPort, opaque: false),
                EchoManifests.Workload(name: "echo2", appPort: second.port, identity: MeshFixture.identity("echo2", "test"),
                                       proxyInbound: secondInbound, opaque: false),
            ]
            let load = WhoamiLoad(port: pair.clientProxy.outboundPort)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await offPool { load.run() } }
                do {
                    try await eventually { load.answers.count >= 20 }
                    try pair.mesh.write("echo.yaml", EchoManifests.yaml(selecting: "echo2", workloads))
                    try await eventually { load.answers.suffix(10).allSatisfy { $0 == "echo2" } && load.answers.count > 40 }
                    try pair.mesh.write("echo.yaml", EchoManifests.yaml(selecting: "echo", workloads))
                    try await eventually { load.answers.suffix(10).allSatisfy { $0 == "echo" } }
                } catch {
                    load.stop()
                    throw error
                }
                load.stop()
                try await group.waitForAll()
            }

            let answers = load.answers
            #expect(load.failures.isEmpty, "failed requests: \(load.failures.prefix(5))")
            #expect(Set(answers) == ["echo", "echo2"], "\(Set(answers))")
            // Each change is a clean cut: no request goes back to a deselected endpoint.
            let switches = zip(answers, answers.dropFirst()).filter { $0 != $1 }.count
            #expect(switches == 2, "answers alternated \(switches) times")
            #expect(pair.server.requests("/whoami") + second.requests("/whoami") == answers.count)
        }
    }
}

/// A client sending `GET /whoami` on one keep-alive connection until stopped, reconnecting
/// after a failure; keeps each answer (the server's name) and each failure.
final class WhoamiLoad: @unchecked Sendable {
    private let port: Int
    private let lock = NSLock()
    private var names: [String] = []
    private var errors: [String] = []
    private var stopped = false

    init(port: Int) { self.port = port }

    var answers: [String] { lock.withLock { names } }
    var failures: [String] { lock.withLock { errors } }
    func stop() { lock.withLock { stopped = true } }

    /// Blocking: run it from `offPool`.
    func run() {
        var connection: HTTP1Connection?
        while !lock.withLock({ stopped }) {
            do {
                let current = try connection ?? HTTP1Connection(BlockingSocket.connect(host: "127.0.0.1", port: port, timeout: 5))
                connection = current
                try current.send("GET /whoami HTTP/1.1\r\nhost: \(HTTPMesh.authority)\r\n\r\n")
                let response = try current.readResponse()
                lock.withLock {
                    if response.status == 200 { names.append(response.text) } else { errors.append(response.head) }
                }
            } catch {
                lock.withLock { errors.append("\(error)") }
                connection?.close()
                connection = nil
            }
            usleep(5_000)
        }
        connection?.close()
    }
}
