import ArgumentParser
import Foundation
import TernLocal
import TernResources

/// `tern local`: the local runtime for your own workloads (DESIGN.md §1 "Local").
struct LocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local",
        abstract: "Run workloads and their proxies on this machine, from manifests, without Kubernetes.",
        discussion: "Deployments (or ExternalWorkloads) with a tern.io/command annotation run as local processes, each with its own tern-proxy. See docs/local.md.",
        subcommands: [LocalUp.self, LocalDown.self, LocalApply.self, LocalDelete.self, LocalStatus.self])
}

/// Options every `tern local` subcommand shares.
struct LocalStateOption: ParsableArguments {
    @Option(help: "The runtime's state directory (default: $TERN_HOME/local or /tmp/tern-local; a running demo is found too).")
    var stateDir: String?
}

struct LocalUp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Start the runtime with the manifests in DIR, in the foreground; Ctrl-C stops and removes everything.")

    @Option(name: .shortAndLong, help: ArgumentHelp("Manifests to start with: a file or a directory.", valueName: "path"))
    var filename: [String] = []

    @Option(help: "transparent or explicit (default: transparent when possible).")
    var mode: RuntimeMode?

    @OptionGroup var state: LocalStateOption

    func run() async throws {
        let manifests = try LocalManifests.validated(filename)
        try await LocalRuntimeRunner.run(layout: StateLayout.resolve(state.stateDir, demo: false), requestedMode: mode,
                                         manifests: manifests, banner: { LocalStatus.text($0) })
    }
}

struct LocalDown: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "down", abstract: "Stop the runtime and remove everything it made.")

    @OptionGroup var state: LocalStateOption

    func run() throws {
        let layout = LocalRuntimeRunner.locate(state.stateDir)
        print(LocalRuntimeRunner.stop(layout) ? "stopped; \(layout.root) removed" : "nothing runs from \(layout.root)")
    }
}

struct LocalApply: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Validate manifests and, if every file is valid, hand them to the running runtime.",
        discussion: "A file with any error is rejected whole and nothing changes. Accepted files take effect within a second.")

    @Option(name: .shortAndLong, help: ArgumentHelp("A file or a directory.", valueName: "path"))
    var filename: [String] = []

    @OptionGroup var state: LocalStateOption

    func run() throws {
        let layout = try LocalManifests.runningLayout(state.stateDir)
        let manifests = try LocalManifests.validated(filename)
        for manifest in manifests {
            try AtomicFile.write(manifest.text, to: "\(layout.applied)/\(manifest.name)")
            print("✔ \(manifest.name) applied")
        }
    }
}

struct LocalDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Remove manifests applied earlier (by file name); their objects and workloads go.")

    @Option(name: .shortAndLong, help: ArgumentHelp("A file applied earlier (its name is what counts).", valueName: "path"))
    var filename: [String] = []

    @OptionGroup var state: LocalStateOption

    func run() throws {
        let layout = try LocalManifests.runningLayout(state.stateDir)
        var missing = false
        for path in filename {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let stored = "\(layout.applied)/\(name)"
            if FileManager.default.fileExists(atPath: stored) {
                try FileManager.default.removeItem(atPath: stored)
                print("✔ \(name) deleted")
            } else {
                FileHandle.standardError.write(Data("× \(name) was not applied (applied: \(ManifestFiles.walk(layout.applied).map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ")))\n".utf8))
                missing = true
            }
        }
        if missing { throw ExitCode(1) }
    }
}
