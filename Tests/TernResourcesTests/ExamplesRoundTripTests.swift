import Foundation
import Testing
import Yams
@testable import TernResources

/// Every object in examples/ (all the seed documents' YAML) decodes, re-encodes and decodes to
/// the same model — whatever its kind.
@Suite("Examples round trip")
struct ExamplesRoundTripTests {
    static let examples: [String] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return ManifestFiles.walk(root.appendingPathComponent("examples").path)
    }()

    @Test("the examples folder holds every topic")
    func examplesExist() {
        for topic in ["faces/", "authorization/", "traffic-split/", "service-profiles/", "ingress/", "injection/"] {
            #expect(Self.examples.contains { $0.contains("/examples/\(topic)") }, "missing examples/\(topic)")
        }
    }

    @Test("each example file is valid and round-trips", arguments: examples)
    func roundTrip(path: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let parsed = ManifestParser().parse(bytes: bytes, file: path)
        // Warnings (a deliberate difference from Linkerd, say) are fine; errors are not.
        #expect(parsed.errors.isEmpty, "\(parsed.errors.map(\.description))")
        #expect(!parsed.objects.isEmpty)
        for object in parsed.objects {
            try Self.assertRoundTrip(object.resource)
        }
    }

    static func assertRoundTrip<R: KubeResource>(_ resource: R) throws {
        let yaml = try YAMLEncoder().encode(resource)
        let again = ManifestParser().parse(text: yaml, file: "re-encoded.yaml")
        #expect(again.errors.isEmpty, "\(again.errors.map(\.description))\n\(yaml)")
        let decoded = try #require(again.objects.first?.resource as? R, "re-encoded \(R.self) decoded as something else:\n\(yaml)")
        #expect(decoded == resource, "round trip changed \(R.self):\n\(yaml)")
    }
}
