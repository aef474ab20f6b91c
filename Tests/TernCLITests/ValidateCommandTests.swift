import Foundation
import Testing

@Suite("tern validate", .timeLimit(.minutes(1)))
struct ValidateCommandTests {
    @Test("every example manifest is valid")
    func examplesAreValid() async throws {
        let out = try await TernBinary.run(["validate", "-f", "examples/"])
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("valid"))
        #expect(!out.stdout.contains("×"))
    }

    @Test("an invalid document exits 1 with file:line: path: message")
    func invalidExitsOne() async throws {
        let yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports:\n  - port: eighty\n"
        let out = try await TernBinary.run(["validate", "-f", "-"], stdin: yaml)
        #expect(out.status == 1)
        #expect(out.stdout.contains("-:6: spec.ports[0].port: expected a whole number, got \"eighty\""), "\(out.stdout)")
    }

    @Test("usage errors exit 2")
    func usageErrorsExitTwo() async throws {
        #expect(try await TernBinary.run(["validate"]).status == 2)
        #expect(try await TernBinary.run(["validate", "-f", "does/not/exist.yaml"]).status == 2)
        #expect(try await TernBinary.run(["validate", "-f", "x", "-o", "xml"]).status == 2)
        #expect(try await TernBinary.run(["no-such-command"]).status == 2)
    }

    @Test("-o json is machine-readable")
    func jsonOutput() async throws {
        let yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: Weird, ports: [{port: 80}]}\n"
        let out = try await TernBinary.run(["validate", "-o", "json", "-f", "-"], stdin: yaml)
        #expect(out.status == 1)
        let json = try #require(JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        #expect(json["valid"] as? Bool == false)
        let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?["line"] as? Int == 4)
        #expect(diagnostics.first?["path"] as? String == "spec.type")
        #expect(diagnostics.first?["file"] as? String == "-")
    }

    @Test("directories are read recursively; one bad file fails the run but all are reported")
    func directoriesRecursively() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tern-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("nested"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n".write(to: dir.appendingPathComponent("ok.yaml"), atomically: true, encoding: .utf8)
        try "apiVersion: v1\nkind: Namespace\nmetadata: {name: B}\n".write(to: dir.appendingPathComponent("nested/bad.yml"), atomically: true, encoding: .utf8)
        try "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"c\"}}".write(to: dir.appendingPathComponent("nested/ok.json"), atomically: true, encoding: .utf8)
        try "not yaml: [".write(to: dir.appendingPathComponent("ignored.txt"), atomically: true, encoding: .utf8)
        let out = try await TernBinary.run(["validate", "-f", dir.path])
        #expect(out.status == 1)
        #expect(out.stdout.contains("nested/bad.yml:3: metadata.name: \"B\" is not a valid name"), "\(out.stdout)")
        #expect(out.stdout.contains("1 error in 1 of 3 files"), "\(out.stdout)")
    }

    @Test("binary input is refused, not crashed on")
    func binaryInput() async throws {
        let out = try await TernBinary.run(["validate", "-f", "-"], stdin: "\u{0}\u{1}\u{2}garbage")
        #expect(out.status == 1)
        #expect(out.stdout.contains("binary data"))
    }

    @Test("version and shell completion")
    func versionAndCompletion() async throws {
        let version = try await TernBinary.run(["version", "--short"])
        #expect(version.status == 0)
        #expect(!version.stdout.isEmpty)
        let completion = try await TernBinary.run(["--generate-completion-script", "bash"])
        #expect(completion.status == 0)
        #expect(completion.stdout.contains("validate"))
    }
}
