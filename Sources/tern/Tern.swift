import ArgumentParser
import TernCore

/// The `tern` command line. Each subcommand lives in its own file; add new ones to the list.
@main
struct Tern: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tern",
        abstract: "Tern: a Linkerd-compatible service mesh.",
        version: TernVersion.current,
        subcommands: [
            VersionCommand.self,
            ValidateCommand.self,
        ]
    )
}
