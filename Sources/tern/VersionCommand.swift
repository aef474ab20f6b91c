import ArgumentParser
import TernCore

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print Tern's version.")

    @Flag(name: .long, help: "Print only the version string.")
    var short = false

    func run() {
        print(short ? TernVersion.current : "tern \(TernVersion.current)")
    }
}
