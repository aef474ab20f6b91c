import Foundation
import Testing

/// The "done" check with real processes: `tern identity init` makes the PKI, a
/// running tern-controller certifies two tern-proxy processes from local tokens, and they
/// complete a verified mTLS exchange carrying each other's identities.
@Suite(.serialized) struct IdentityProcessesTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tern-identity-it-\(UUID().uuidString)").path
    let web = "web.emojivoto.serviceaccount.identity.tern.cluster.local"
    let voting = "voting.emojivoto.serviceaccount.identity.tern.cluster.local"

    func proxyEnvironment(_ identity: String, sa: String, identityPort: Int) -> [String: String] {
        [
            "TERN_PROXY_IDENTITY_LOCAL_NAME": identity,
            "TERN_PROXY_IDENTITY_SVC_ADDR": "127.0.0.1:\(identityPort)",
            // The controller serves Certify over TLS as this name (verified against ca.crt).
            "TERN_PROXY_IDENTITY_SVC_NAME": "tern-identity.tern.serviceaccount.identity.tern.cluster.local",
            "TERN_PROXY_IDENTITY_TOKEN_FILE": "\(dir)/\(sa).token",
            "TERN_PROXY_IDENTITY_TRUST_ANCHORS_FILE": "\(dir)/ca.crt",
        ]
    }

    @Test func twoProxiesCertifyAndCompleteAVerifiedExchange() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (initStatus, initOut, initErr) = try await run("tern", ["identity", "init", "--trust-domain", "cluster.local", "--out", dir])
        #expect(initStatus == 0, "\(initErr)")
        #expect(initOut.contains("trust anchor"))
        for key in ["ca.key", "issuer.key", "local-token.key"] {
            let mode = try FileManager.default.attributesOfItem(atPath: "\(dir)/\(key)")[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(key) has mode \(String(mode ?? 0, radix: 8))")
        }
        let (inspectStatus, inspectOut, _) = try await run("tern", ["identity", "inspect", "\(dir)/issuer.crt", "--anchors", "\(dir)/ca.crt"])
        #expect(inspectStatus == 0)
        #expect(inspectOut.contains("chains to \(dir)/ca.crt: yes"))

        for sa in ["web", "voting"] {
            let (status, _, err) = try await run("tern", [
                "identity", "token", "--identity-dir", dir, "--namespace", "emojivoto", "--service-account", sa,
                "--out", "\(dir)/\(sa).token",
            ])
            #expect(status == 0, "\(err)")
        }

        let controller = try RunningProcess("tern-controller", [
            "--identity-dir", dir, "--identity-host", "127.0.0.1", "--identity-port", "0",
            // Only identity, and nothing on fixed ports, so parallel tests cannot collide.
            "--serve", "identity", "--admin-host", "127.0.0.1", "--admin-port", "0",
        ])
        defer { controller.terminate() }
        let listening = try await controller.waitForLine(startingWith: "identity listening ")
        let identityPort = try #require(Int(listening.split(separator: ":").last ?? ""))

        let server = try RunningProcess(
            "tern-proxy", ["mesh-echo-server", "127.0.0.1:0"],
            environment: proxyEnvironment(web, sa: "web", identityPort: identityPort))
        defer { server.terminate() }
        let serving = try await server.waitForLine(startingWith: "listening ")
        #expect(serving.hasSuffix("as \(web)"))
        let echoPort = try #require(serving.split(separator: " ")[1].split(separator: ":").last.flatMap { Int($0) })

        let (status, out, err) = try await run(
            "tern-proxy", ["mesh-echo-client", "127.0.0.1:\(echoPort)", web, "hello"],
            environment: proxyEnvironment(voting, sa: "voting", identityPort: identityPort))
        #expect(status == 0, "stderr: \(err)")
        #expect(out.contains("verified server \(web)"))
        #expect(out.contains("server=\(web) client=\(voting) echo=hello"))

        // The client refuses a server that is not who the destination said it would be.
        let (wrongStatus, _, wrongErr) = try await run(
            "tern-proxy", ["mesh-echo-client", "127.0.0.1:\(echoPort)", "emoji.emojivoto.serviceaccount.identity.tern.cluster.local", "hello"],
            environment: proxyEnvironment(voting, sa: "voting", identityPort: identityPort))
        #expect(wrongStatus != 0)
        #expect(wrongErr.contains("expected emoji.emojivoto"), "stderr: \(wrongErr)")

        // A proxy whose token is for another service account gets no certificate: it keeps
        // retrying with backoff, logging the service's reason, and never reaches the server.
        let impostor = try RunningProcess(
            "tern-proxy", ["mesh-echo-client", "127.0.0.1:\(echoPort)", web, "hello"],
            environment: proxyEnvironment(voting, sa: "web", identityPort: identityPort))
        defer { impostor.terminate() }
        let refusal = try await impostor.waitForStderr(containing: "permissionDenied")
        #expect(refusal.contains("the token is for service account emojivoto/web, not emojivoto/voting"))
        #expect(impostor.stdoutLines.isEmpty)
        impostor.terminate()
        _ = try await impostor.wait()

        server.process.interrupt()
        controller.process.terminate()
        #expect(try await server.wait() == 0, "server stderr: \(server.stderr)")
        #expect(try await controller.wait() == 0, "controller stderr: \(controller.stderr)")
    }
}
