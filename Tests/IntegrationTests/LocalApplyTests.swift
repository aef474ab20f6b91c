import Foundation
import Testing
import TernLocal

/// `tern local apply` validates before anything reaches the runtime: a bad file is refused
/// whole with the validator's message and the applied manifests stay as they were.
@Suite(.serialized)
struct LocalApplyTests {
    static let service = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: shop
        spec:
          clusterIP: 10.96.30.10
          ports:
          - port: 80
        """

    @Test func badManifestsAreRejectedWholeAndChangeNothing() async throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("tern-apply-it-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: input) }
        try Self.service.write(toFile: "\(input)/web.yaml", atomically: true, encoding: .utf8)
        let runtime = try DemoRun(mode: .explicit, arguments: ["local", "up", "-f", "\(input)/web.yaml"])
        do {
            _ = try await runtime.waitUntilStarted(workloads: 0)
            let applied = runtime.layout.applied
            let before = try FileManager.default.contentsOfDirectory(atPath: applied).sorted()

            // One good document and one bad one in the same file: the whole file is refused.
            let bad = Self.service.replacingOccurrences(of: "name: web", with: "name: web2") + "\n---\n"
                + Self.service.replacingOccurrences(of: "- port: 80", with: "- port: eighty")
            try bad.write(toFile: "\(input)/bad.yaml", atomically: true, encoding: .utf8)
            let (status, _, err) = try await run("tern", ["local", "apply", "-f", "\(input)/bad.yaml", "--state-dir", runtime.stateDirectory])
            #expect(status == 1)
            #expect(err.contains("bad.yaml:19: spec.ports[0].port: expected a whole number, got \"eighty\""), "\(err)")
            #expect(err.contains("nothing applied"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: applied).sorted() == before)

            // A good file lands and a delete removes it again.
            try Self.service.replacingOccurrences(of: "name: web", with: "name: api").write(toFile: "\(input)/api.yaml", atomically: true, encoding: .utf8)
            let (applyStatus, applyOut, _) = try await run("tern", ["local", "apply", "-f", "\(input)/api.yaml", "--state-dir", runtime.stateDirectory])
            #expect(applyStatus == 0)
            #expect(applyOut.contains("✔ api.yaml applied"))
            #expect(FileManager.default.fileExists(atPath: "\(applied)/api.yaml"))
            let (deleteStatus, _, _) = try await run("tern", ["local", "delete", "-f", "api.yaml", "--state-dir", runtime.stateDirectory])
            #expect(deleteStatus == 0)
            #expect(!FileManager.default.fileExists(atPath: "\(applied)/api.yaml"))
        } catch {
            runtime.forceCleanUp()
            throw error
        }
        _ = try await runtime.stop()
        #expect(runtime.leftovers().isEmpty)
    }

    @Test func applyWithoutARunningRuntimeSaysHowToStartOne() async throws {
        let (status, _, err) = try await run("tern", ["local", "apply", "-f", "/dev/null", "--state-dir", "/tmp/tern-no-runtime-here"])
        #expect(status == 1)
        #expect(err.contains("no local runtime runs from /tmp/tern-no-runtime-here"))
    }
}
