import Foundation
import Testing
import TernLocal

/// `tern demo` end to end, as a user runs it: in the background, traffic from the load
/// generator through every proxy under mTLS, `tern check` passing, and Ctrl-C leaving
/// nothing behind. Transparent mode needs root; explicit mode runs anywhere.
@Suite(.serialized)
struct DemoTests {
    @Test(.enabled(if: TestNetwork.unavailableReason == nil, "needs root, ip, iptables and setpriv"))
    func transparentDemoServesFacesOverMTLSAndCleansUp() async throws {
        try await exercise(.transparent)
    }

    @Test func explicitDemoServesFacesOverMTLSAndCleansUp() async throws {
        try await exercise(.explicit)
    }

    /// Passes only once the proxy routes HTTP by HTTPRoute (issue 6 and outbound policy):
    /// before that, the L4 proxy sends all of `color`'s traffic to the color Service.
    @Test func colorSplitReachesBothColorBackends() async throws {
        let demo = try DemoRun(mode: .explicit)
        do {
            _ = try await demo.waitUntilStarted(workloads: 6)
            try await waitFor("blue faces", timeout: 30) { (try await demo.loadStats()?.colors["blue"] ?? 0) > 0 }
            let (status, out, err) = try await run("tern", ["local", "apply", "-f", Self.repository + "/examples/traffic-split/color-split.yaml",
                                                            "--state-dir", demo.stateDirectory])
            #expect(status == 0, "apply: \(out) \(err)")
            try await waitFor("green faces after the split", timeout: 30) { (try await demo.loadStats()?.colors["green"] ?? 0) > 0 }
        } catch {
            demo.forceCleanUp()
            throw error
        }
        _ = try await demo.stop()
        #expect(demo.leftovers().isEmpty)
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    private func exercise(_ mode: RuntimeMode) async throws {
        let started = Date()
        let demo = try DemoRun(mode: mode)
        do {
            let record = try await demo.waitUntilStarted(workloads: 6)
            #expect(record.mode == mode)
            // Up and answering well within a minute of starting.
            try await waitFor("40 counted load-generator requests", timeout: 50) { (try await demo.loadStats()?.requests ?? 0) >= 40 }
            #expect(Date().timeIntervalSince(started) < 60)
            let stats = try #require(try await demo.loadStats())
            #expect(Double(stats.successes) / Double(stats.requests) >= 0.99, "load generator: \(stats)")
            #expect(stats.colors["blue"] ?? 0 > 0)

            // Every hop is HTTP over mTLS with both identities named (load → face, face → smiley
            // and color), and the proxies' golden metrics agree with the load generator.
            let metrics = try await demo.proxyMetrics()
            let loadOut = metrics["load"] ?? []
            let toFace = ["direction": "outbound", "tls": "true", "server_id": "face.faces.serviceaccount.identity.tern.cluster.local"]
            #expect(loadOut.sum("response_total", toFace.merging(["classification": "success"]) { $1 }) >= 40)
            let failed = loadOut.sum("response_total", toFace.merging(["classification": "failure"]) { $1 })
            #expect(failed <= 0.01 * loadOut.sum("response_total", toFace), "failed responses to face: \(failed) \(loadOut.filter { $0.name == "response_total" && $0.labels["classification"] == "failure" })")
            #expect(loadOut.sum("tcp_open_total", toFace) >= 1)
            let faceIn = metrics["face"] ?? []
            #expect(faceIn.sum("response_total", ["direction": "inbound", "tls": "true", "classification": "success",
                                                  "client_id": "load.faces.serviceaccount.identity.tern.cluster.local"]) >= 40)
            for backend in ["smiley", "color"] {
                #expect(faceIn.sum("response_total", ["direction": "outbound", "tls": "true", "classification": "success",
                                                      "server_id": "\(backend).faces.serviceaccount.identity.tern.cluster.local"]) >= 40)
            }
            #expect((metrics["color2"] ?? []).sum("tcp_open_total", ["direction": "inbound", "tls": "true"]) == 0, "no split applied yet")

            let (status, out, err) = try await run("tern", ["check", "--state-dir", demo.stateDirectory])
            #expect(status == 0, "tern check:\n\(out)\n\(err)")
            #expect(out.contains("✔ meshed workloads talk over mTLS"))
        } catch {
            demo.forceCleanUp()
            throw error
        }
        let status = try await demo.stop()
        #expect(status == 0)
        #expect(demo.process.stdoutLines.contains { $0.hasPrefix("stopped; removed") })
        #expect(demo.leftovers().isEmpty, "left behind: \(demo.leftovers())")
    }
}
