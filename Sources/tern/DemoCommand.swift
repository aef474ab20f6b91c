import ArgumentParser
import Foundation
import TernLocal

/// `tern demo`: a fresh trust anchor, the controller, the Faces workloads each with its own
/// proxy, and a load generator — in one command, until Ctrl-C or `tern demo --stop`.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the Faces demo on a local mesh: controller, workloads, proxies, load.",
        subcommands: [DemoRun.self, DemoManifests.self, DemoWorkload.self],
        defaultSubcommand: DemoRun.self)
}

struct DemoRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start the demo in the foreground (the default); Ctrl-C stops it and removes everything it made.")

    @Option(help: "transparent (network namespaces + iptables, needs root on Linux) or explicit (HTTP_PROXY on 127.0.0.1). Default: transparent when possible.")
    var mode: RuntimeMode?

    @Option(help: "Where the demo keeps its state (default $TERN_HOME/demo or /tmp/tern-demo); removed when it stops.")
    var stateDir: String?

    @Flag(help: "Stop a demo running in another terminal.")
    var stop = false

    func run() async throws {
        let layout = StateLayout.resolve(stateDir, demo: true)
        if stop {
            print(LocalRuntimeRunner.stop(layout) ? "demo stopped; \(layout.root) removed" : "no demo runs from \(layout.root)")
            return
        }
        try await LocalRuntimeRunner.run(layout: layout, requestedMode: mode, manifests: [("faces.yaml", FacesManifests.yaml)],
                                         banner: { DemoBanner.text($0, layout: layout) })
    }
}

/// The demo's workloads, run by the runtime through `tern.io/command` (hidden from help).
struct DemoWorkload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workload", abstract: "Run one Faces workload (used by the demo's manifests).", shouldDisplay: false)

    @Argument(help: "gui, face, smiley, color or load.")
    var role: String

    func run() async throws {
        guard let role = FacesRole(rawValue: role) else {
            throw ValidationError("unknown role \"\(role)\"; choose from \(FacesRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let settings: FacesRole.Settings
        do { settings = try FacesRole.Settings(environment: ProcessInfo.processInfo.environment) } catch {
            throw ValidationError("\(error)")
        }
        try await role.run(settings)
    }
}

/// Prints the demo's manifests (the source of `examples/demo/faces.yaml`).
struct DemoManifests: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "manifests", abstract: "Print the Faces manifests the demo runs.")

    func run() { print(FacesManifests.yaml, terminator: "") }
}
