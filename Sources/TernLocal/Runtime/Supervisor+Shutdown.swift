import Foundation

extension Supervisor {
    /// Stops every child (applications first, then proxies, then the controller) and removes
    /// namespaces, their /etc files, the bridge and the state directory.
    public func shutdown() {
        let entries = Array(running.values)
        for entry in entries { entry.application.terminate() }
        for entry in entries { entry.application.stop(grace: 3) }
        for entry in entries { entry.proxy.terminate() }
        for entry in entries { entry.proxy.stop(grace: 4) }
        running = [:]
        controller?.stop(grace: 5)
        controller = nil
        for namespace in namespacesCreated { TransparentNetwork.removeNamespace(namespace) }
        namespacesCreated = []
        if let network { TransparentNetwork.removeBridge(network.bridge) }
        network = nil
        try? FileManager.default.removeItem(atPath: layout.root)
        config.log("stopped; removed \(layout.root)")
    }

    /// What the record says is running, for `tern local status` and `tern check`.
    func record() -> RuntimeRecord {
        RuntimeRecord(
            mode: mode, modeReason: config.mode.reason, supervisorPID: getpid(), stateDirectory: layout.root, ephemeral: true,
            controller: controllerRecord ?? .init(adminURL: "", identityAddress: "", destinationAddress: "", policyAddress: ""),
            workloads: running.values.sorted { $0.workload.id < $1.workload.id }.map { entry in
                let appPort = entry.workload.applicationPort.map { entry.placement.applicationPort(for: $0) }
                return .init(namespace: entry.workload.namespace, name: entry.workload.name, identity: entry.workload.identity,
                             placement: entry.placement, applicationPID: entry.application.pid, proxyPID: entry.proxy.pid,
                             restarts: entry.application.restarts + entry.proxy.restarts,
                             applicationURL: appPort.map { "http://\(entry.placement.address):\($0)" })
            },
            skipped: skipped, bridge: network?.bridge, subnet: network?.subnet, networkNamespaces: namespacesCreated,
            startedAt: startedAt)
    }

    /// Removes what a supervisor that died without cleaning up left behind, from its record.
    public static func cleanUp(after record: RuntimeRecord, layout: StateLayout) {
        var pids = record.workloads.flatMap { [$0.applicationPID, $0.proxyPID] }.compactMap { $0 }
        if let controller = record.controller.pid { pids.append(controller) }
        for pid in pids where kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        for namespace in record.networkNamespaces { TransparentNetwork.removeNamespace(namespace) }
        if let bridge = record.bridge { TransparentNetwork.removeBridge(bridge) }
        try? FileManager.default.removeItem(atPath: layout.root)
    }
}
