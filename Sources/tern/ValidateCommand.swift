import ArgumentParser
import Foundation
import TernCore
import TernResources

/// `tern validate`: reads manifests exactly as the control plane would and reports every
/// problem. Exit 0 when all are valid, 1 when any document is invalid, 2 for usage errors.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check manifests the way Tern reads them.",
        discussion: "Every error names the file, the line and the field path. A file with any error is rejected whole."
    )

    @Option(name: .shortAndLong, help: ArgumentHelp("A file, a directory (read recursively) or - for standard input.", valueName: "path"),
            completion: .file(extensions: ["yaml", "yml", "json"]))
    var filename: [String] = []

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var output: OutputFormat = .text

    @Flag(name: .shortAndLong, help: "Print only problems, not the summary.")
    var quiet = false

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func validate() throws {
        if filename.isEmpty { throw ValidationError("name at least one manifest with -f PATH (a file, a directory, or - for stdin)") }
    }

    func run() throws {
        let inputs: [ManifestFiles.Input]
        do {
            inputs = try ManifestFiles.read(filename)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let report = ValidationReport.build(inputs)
        switch output {
        case .text: print(report.text(quiet: quiet), terminator: "")
        case .json: print(report.json())
        }
        if !report.isValid { throw ExitCode(1) }
    }
}
