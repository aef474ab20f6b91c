import ArgumentParser
import Foundation
import TernLocal

struct LocalStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show what the runtime runs and where.")

    @OptionGroup var state: LocalStateOption

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var output: Format = .text

    enum Format: String, ExpressibleByArgument { case text, json }

    func run() throws {
        let layout = try LocalManifests.runningLayout(state.stateDir)
        guard let record = RuntimeRecord.load(layout) else { throw ExitCode(1) }
        switch output {
        case .text: print(Self.text(record))
        case .json: print((try? String(contentsOfFile: layout.record, encoding: .utf8)) ?? "{}")
        }
    }

    static func text(_ record: RuntimeRecord) -> String {
        var lines = ["mode:        \(record.mode.rawValue) (\(record.modeReason))",
                     "state:       \(record.stateDirectory)",
                     "controller:  admin \(record.controller.adminURL), destination \(record.controller.destinationAddress)"]
        if let subnet = record.subnet, let bridge = record.bridge { lines.append("network:     \(bridge) \(subnet.cidr)") }
        let rows = record.workloads.map { w -> [String] in
            let ready = BlockingHTTP.get("\(w.placement.adminURL)/ready", timeout: 1)?.status == 200
            return ["\(w.namespace)/\(w.name)", w.placement.address, w.applicationURL ?? "-", w.placement.adminURL,
                    ready ? "ready" : "not ready", "\(w.restarts)"]
        }
        lines.append("")
        lines.append(DiagnosticsCommand.table(["WORKLOAD", "ADDRESS", "APP", "PROXY ADMIN", "PROXY", "RESTARTS"], rows))
        for note in record.skipped { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }
}
