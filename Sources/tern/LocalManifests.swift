import ArgumentParser
import Foundation
import TernLocal
import TernResources

/// Reading and validating manifests for `tern local up` and `apply`, with `tern validate`'s
/// report: any error rejects the whole set before anything reaches the runtime.
enum LocalManifests {
    static func validated(_ paths: [String]) throws -> [(name: String, text: String)] {
        guard !paths.isEmpty else { throw ValidationError("name manifests with -f PATH (a file or a directory)") }
        let inputs: [ManifestFiles.Input]
        do { inputs = try ManifestFiles.read(paths) } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let report = ValidationReport.build(inputs)
        guard report.isValid else {
            FileHandle.standardError.write(Data(report.text(quiet: false).utf8))
            FileHandle.standardError.write(Data("nothing applied\n".utf8))
            throw ExitCode(1)
        }
        var used: Set<String> = []
        return inputs.map { input in
            // Stored under the file's own name, so applying it again replaces it and
            // `delete -f` finds it; a second file of the same name gets a suffix.
            var name = input.name == "-" ? "stdin.yaml" : URL(fileURLWithPath: input.name).lastPathComponent
            if name.hasPrefix(".") { name = "manifest" + name }
            var candidate = name
            var n = 2
            while !used.insert(candidate).inserted { candidate = "\(n)-\(name)"; n += 1 }
            return (candidate, String(decoding: input.bytes, as: UTF8.self))
        }
    }

    /// The layout of a runtime that is running now, or a clear error.
    static func runningLayout(_ explicit: String?) throws -> StateLayout {
        let layout = LocalRuntimeRunner.locate(explicit)
        guard let record = RuntimeRecord.load(layout), kill(record.supervisorPID, 0) == 0 else {
            FileHandle.standardError.write(Data("error: no local runtime runs from \(layout.root); start one with `tern local up -f DIR` or `tern demo`\n".utf8))
            throw ExitCode(1)
        }
        return layout
    }
}
