import ArgumentParser
import TernCore
import TernResources

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check manifests the way Tern reads them.")

    @Option(name: .shortAndLong, help: "A file, a directory (read recursively) or - for standard input.")
    var filename: [String] = []

    func run() throws {
        throw ExitCode(0)
    }
}
