import ArgumentParser
import Foundation
import TernLocal

/// `tern check`: the local mesh's health as a list of checks; `--pre` checks the host first.
/// Exit 1 when any check fails (warnings do not fail).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that the local mesh (or, with --pre, this host) is healthy.",
        discussion: "Groups: control plane, identity, proxies, data plane. ✔ passed, ‼ warning, × failed with a hint.")

    @Flag(help: "Check the host can run the local runtime: kernel, namespaces, iptables, privileges, ports.")
    var pre = false

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var output: Format = .text

    @OptionGroup var state: LocalStateOption

    enum Format: String, ExpressibleByArgument { case text, json }

    func run() throws {
        let context = CheckContext.live(layout: LocalRuntimeRunner.locate(state.stateDir))
        let results = CheckReport.run(pre ? CheckTable.pre : CheckTable.local, context: context)
        switch output {
        case .text: print(CheckReport.text(results), terminator: "")
        case .json: print(CheckReport.json(results))
        }
        if results.contains(where: \.failed) { throw ExitCode(1) }
    }
}
