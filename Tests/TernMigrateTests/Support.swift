import Foundation
import Testing
import TernResources
@testable import TernMigrate

/// Helpers shared by the migration tests: parse Istio YAML, migrate, encode, compare to golden
/// files, and prove every emitted manifest is one `tern validate` accepts.
enum MigrateSupport {
    static let parser = ManifestParser()

    /// Parses `yaml` (failing the test on any diagnostic) into migration input.
    static func input(_ yaml: String, file: String = "input.yaml", sourceLocation: Testing.SourceLocation = #_sourceLocation) -> MigrationInput {
        let result = parser.parse(text: yaml, file: file)
        #expect(result.errors.isEmpty, "input has errors: \(result.errors.map(\.description))", sourceLocation: sourceLocation)
        return MigrationInput(objects: result.objects)
    }

    static func migrate(_ yaml: String, options: MigrationOptions = MigrationOptions(), sourceLocation: Testing.SourceLocation = #_sourceLocation) -> MigrationResult {
        IstioMigrator(options: options).migrate(input(yaml, sourceLocation: sourceLocation))
    }

    /// The emitted manifests as YAML; every one must parse back without diagnostics.
    static func manifests(_ result: MigrationResult, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
        let yaml = try ManifestWriter.write(result.manifests, format: .yaml)
        let again = parser.parse(text: yaml, file: "emitted.yaml")
        #expect(again.diagnostics.isEmpty, "emitted manifests are not valid: \(again.diagnostics.map(\.description))\n\(yaml)", sourceLocation: sourceLocation)
        #expect(again.objects.count == result.manifests.count, "some emitted objects did not read back", sourceLocation: sourceLocation)
        return yaml
    }

    static var goldenDirectory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Golden")
    }

    /// Source directory of the golden files, for `TERN_UPDATE_GOLDEN=1` runs.
    static let sourceGoldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Compares `actual` with `Golden/<name>`; with TERN_UPDATE_GOLDEN=1 rewrites the file.
    static func golden(_ name: String, _ actual: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        if ProcessInfo.processInfo.environment["TERN_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: sourceGoldenDirectory.appendingPathComponent(name), atomically: true, encoding: .utf8)
            return
        }
        let url = goldenDirectory.appendingPathComponent(name)
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file \(name); run with TERN_UPDATE_GOLDEN=1 to create it", sourceLocation: sourceLocation)
            return
        }
        #expect(actual == expected, "output differs from golden \(name):\n\(actual)", sourceLocation: sourceLocation)
    }

    /// Reads a file of the repository's examples directory.
    static func example(_ relative: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("examples").appendingPathComponent(relative), encoding: .utf8)
    }
}
