import Foundation
import TernResources

/// The outcome of validating a set of files, printable as text or JSON.
struct ValidationReport: Encodable {
    struct FileResult: Encodable {
        var file: String
        var objects: Int
        var valid: Bool
        var kinds: [String]
    }

    var valid: Bool
    var files: [FileResult]
    var diagnostics: [Diagnostic]

    var isValid: Bool { valid }

    static func build(_ inputs: [ManifestFiles.Input]) -> ValidationReport {
        let parser = ManifestParser()
        var files: [FileResult] = []
        var diagnostics: [Diagnostic] = []
        for input in inputs {
            let result = parser.parse(bytes: input.bytes, file: input.name)
            diagnostics += result.diagnostics
            files.append(FileResult(file: input.name, objects: result.isValid ? result.objects.count : 0, valid: result.isValid,
                                    kinds: result.objects.map { "\($0.type)" }))
        }
        return ValidationReport(valid: files.allSatisfy(\.valid), files: files, diagnostics: diagnostics)
    }

    func text(quiet: Bool) -> String {
        var out = diagnostics.map { "\($0)\n" }.joined()
        guard !quiet else { return out }
        let objects = files.reduce(0) { $0 + $1.objects }
        let bad = files.filter { !$0.valid }
        if bad.isEmpty {
            let warnings = diagnostics.filter { $0.severity == .warning }.count
            out += "✔ \(objects) object\(objects == 1 ? "" : "s") in \(files.count) file\(files.count == 1 ? "" : "s") valid"
            out += warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))\n" : "\n"
        } else {
            let errors = diagnostics.filter { $0.severity == .error }.count
            out += "× \(errors) error\(errors == 1 ? "" : "s") in \(bad.count) of \(files.count) file\(files.count == 1 ? "" : "s"); invalid files are rejected whole\n"
        }
        return out
    }

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
