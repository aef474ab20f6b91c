import ArgumentParser
import Foundation
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
            IdentityCommand.self,
            MigrateCommand.self,
            DiagnosticsCommand.self,
            ProxyInitCommand.self,
            DemoCommand.self,
            LocalCommand.self,
            CheckCommand.self,
        ]
    )

    /// Runs the command, mapping usage errors to exit code 2 (argument-parser's default is 64),
    /// so scripts can tell "bad invocation" (2) from "invalid input" (1).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                FileHandle.standardError.write(Data((usageString() + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
