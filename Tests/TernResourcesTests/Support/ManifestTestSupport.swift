import Testing
import Yams
@testable import TernResources

/// Shared helpers for model tests: parse text, and prove a model survives encode → decode.
enum ManifestTestSupport {
    static let parser = ManifestParser()

    /// Parses `yaml` and requires it to be valid (warnings allowed); returns the objects.
    static func valid(_ yaml: String, file: String = "test.yaml", sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [DecodedObject] {
        let result = parser.parse(text: yaml, file: file)
        #expect(result.errors.isEmpty, "unexpected errors: \(result.errors.map(\.description))", sourceLocation: sourceLocation)
        return result.objects
    }

    /// Parses `yaml` and returns the diagnostics as text (`file:line: path: message`).
    static func errors(_ yaml: String, file: String = "test.yaml") -> [String] {
        parser.parse(text: yaml, file: file).diagnostics.map(\.description)
    }

    /// Decodes the first object of `yaml` as `R`, encodes it back to YAML with Yams, parses that
    /// again and requires the two models to be equal. Returns the model.
    @discardableResult
    static func roundTrip<R: KubeResource>(_ type: R.Type, _ yaml: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> R {
        let first = try #require(valid(yaml, sourceLocation: sourceLocation).first?.as(R.self), "did not decode as \(R.self)", sourceLocation: sourceLocation)
        let encoded = try YAMLEncoder().encode(first)
        let again = parser.parse(text: encoded, file: "re-encoded.yaml")
        #expect(again.errors.isEmpty, "re-encoded YAML has errors: \(again.errors.map(\.description))\n\(encoded)", sourceLocation: sourceLocation)
        let second = try #require(again.objects.first?.as(R.self), sourceLocation: sourceLocation)
        #expect(first == second, "round trip changed the model:\n\(encoded)", sourceLocation: sourceLocation)
        return first
    }
}
