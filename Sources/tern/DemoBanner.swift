import TernLocal

/// What `tern demo` prints once everything is started: what runs, where to look, what to try.
enum DemoBanner {
    static func text(_ record: RuntimeRecord, layout: StateLayout) -> String {
        var lines = ["", "Tern demo running (\(record.mode.rawValue) mode). Workloads, each with its own tern-proxy:"]
        for workload in record.workloads {
            lines.append("  \(workload.namespace)/\(workload.name)".padding(toLength: 22, withPad: " ", startingAt: 0)
                         + " \(workload.identity)  app \(workload.applicationURL ?? "-")")
        }
        let gui = record.workload(named: "faces-gui")?.applicationURL ?? "-"
        lines += ["", "Faces page:      \(gui)/"]
        lines.append("Load generator:  \(record.workload(named: "load")?.applicationURL.map { "\($0)/stats" } ?? "-")")
        lines.append("Controller:      \(record.controller.adminURL)/metrics")
        lines.append("Proxy metrics:")
        for workload in record.workloads {
            lines.append("  \(workload.name)".padding(toLength: 14, withPad: " ", startingAt: 0) + " \(workload.placement.adminURL)/metrics")
        }
        let stateFlag = layout == StateLayout.resolve(nil, demo: true) ? "" : " --state-dir \(layout.root)"
        lines += [
            "", "Try:",
            "  tern local apply -f examples/traffic-split/color-split.yaml\(stateFlag)   # color 50/50 between color and color2",
            "  tern check\(stateFlag)",
            "  tern diagnostics endpoints face.faces.svc.cluster.local:80 --controller \(record.controller.destinationAddress) --trust-anchors \(layout.trustAnchors)",
            "", "Logs in \(layout.logs). Ctrl-C (or `tern demo --stop`) stops everything.",
        ]
        return lines.joined(separator: "\n")
    }
}
