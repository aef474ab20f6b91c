import Foundation
import TernResources

extension Supervisor {
    /// Starts what the plan adds, stops what it drops, replaces what it changes.
    func reconcile(_ wanted: [LocalWorkload], state: ClusterState) {
        let wantedByID = Dictionary(wanted.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (id, entry) in running where wantedByID[id] != entry.workload {
            stopWorkload(entry)
            running[id] = nil
            config.log("workload \(id): stopped")
        }
        var started: [RunningWorkload] = []
        for workload in wanted where running[workload.id] == nil {
            do {
                let entry = try launch(workload, state: state)
                running[workload.id] = entry
                started.append(entry)
            } catch {
                config.log("workload \(workload.id): could not start: \(error)")
                skipped.append("\(workload.kind.rawValue.lowercased()) \(workload.id): could not start: \(error)")
            }
        }
        guard !started.isEmpty else { return }
        // As Linkerd's proxy-await: applications start once their proxies are ready (hold a
        // certificate) and the pods are published, so their first requests find the mesh.
        _ = try? AtomicFile.update(PodManifests.render(running.values.map { ($0.workload, $0.placement) }, mode: mode), at: layout.podsFile)
        let deadline = Date().addingTimeInterval(15)
        for entry in started {
            while BlockingHTTP.get("\(entry.placement.adminURL)/ready", timeout: 1)?.status != 200, Date() < deadline { usleep(100_000) }
        }
        for entry in started {
            do {
                try entry.application.start()
                config.log("workload \(entry.workload.id): started as \(entry.workload.identity) at \(entry.placement.address)")
            } catch {
                config.log("workload \(entry.workload.id): could not start its application: \(error)")
            }
        }
    }

    private func place(_ workload: LocalWorkload) throws -> Placement {
        if let network {
            let inUse = Set(running.values.map(\.placement.address))
            guard let address = network.subnet.nextAddress(excluding: inUse) else {
                throw Failure(description: "no free address left in \(network.subnet.cidr)")
            }
            let index = nextNamespaceIndex
            nextNamespaceIndex += 1
            let namespace = NamespaceNames.netns(tag: tag, index: index)
            namespacesCreated.append(namespace)
            try network.addNamespace(namespace, veth: NamespaceNames.veth(tag: tag, index: index), address: address,
                                     hosts: HostsFile.render(readClusterState(), workloadNamespace: workload.namespace),
                                     ternExecutable: config.tern)
            return .transparent(address: address, workload: workload, namespace: namespace)
        }
        var ports: [Int: Int] = [:]
        for port in workload.ports {
            // An ExternalWorkload's ports are what its manifest publishes: keep them.
            ports[port.port] = workload.kind == .externalWorkload ? port.port : try freePort()
        }
        return Placement(address: "127.0.0.1", applicationPorts: ports, outboundPort: try freePort(),
                         inboundPort: try workload.fixedProxyInboundPort ?? freePort(), adminPort: try freePort())
    }

    private func freePort() throws -> Int {
        guard let port = HostProbe.freePort() else { throw Failure(description: "no free loopback port") }
        return port
    }

    private func launch(_ workload: LocalWorkload, state: ClusterState) throws -> RunningWorkload {
        let placement = try place(workload)
        let token = layout.token(namespace: workload.namespace, serviceAccount: workload.serviceAccount)
        if !FileManager.default.fileExists(atPath: token) {
            let result = try ProcessRunner().run([
                config.tern, "identity", "token", "--identity-dir", layout.identity, "--namespace", workload.namespace,
                "--service-account", workload.serviceAccount, "--out", token,
            ], stdin: nil)
            guard result.status == 0 else { throw Failure(description: "tern identity token: \(result.stderr)") }
        }
        if mode == .transparent { chown(token, 2102, 2102) }
        let logName = "\(workload.namespace)-\(workload.name)"
        let proxy = ChildProcess(name: "\(workload.id) proxy", arguments: proxyCommand(placement),
                                 environment: proxyEnvironment(workload, placement, token: token), logPath: layout.log("\(logName).proxy"))
        let application = ChildProcess(name: "\(workload.id) app", arguments: applicationCommand(workload, placement),
                                       environment: applicationEnvironment(workload, placement), logPath: layout.log("\(logName).app"))
        try proxy.start()
        return RunningWorkload(workload: workload, placement: placement, proxy: proxy, application: application)
    }

    private func proxyCommand(_ placement: Placement) -> [String] {
        guard let namespace = placement.networkNamespace else { return [config.proxy] }
        // The proxy runs as UID 2102, the UID proxy-init's rules exempt from redirection.
        return ["ip", "netns", "exec", namespace, "setpriv", "--reuid=2102", "--regid=2102", "--clear-groups", config.proxy]
    }

    private func proxyEnvironment(_ workload: LocalWorkload, _ placement: Placement, token: String) -> [String: String] {
        guard let controller = controllerRecord else { return [:] }
        return [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "TERN_PROXY_IDENTITY_LOCAL_NAME": workload.identity,
            "TERN_PROXY_IDENTITY_SVC_ADDR": controller.identityAddress,
            "TERN_PROXY_IDENTITY_SVC_NAME": "tern-identity.tern.serviceaccount.identity.tern.cluster.local",
            "TERN_PROXY_IDENTITY_TOKEN_FILE": token,
            "TERN_PROXY_IDENTITY_TRUST_ANCHORS_FILE": layout.trustAnchors,
            "TERN_PROXY_DESTINATION_SVC_ADDR": controller.destinationAddress,
            "TERN_PROXY_DESTINATION_SVC_NAME": "tern-destination.tern.serviceaccount.identity.tern.cluster.local",
            "TERN_PROXY_POLICY_SVC_ADDR": controller.policyAddress,
            "TERN_PROXY_POLICY_WORKLOAD": "\(workload.namespace):\(workload.podName)",
            "TERN_PROXY_OUTBOUND_PORT": "\(placement.outboundPort)",
            "TERN_PROXY_INBOUND_PORT": "\(placement.inboundPort)",
            "TERN_PROXY_ADMIN_PORT": "\(placement.adminPort)",
            "TERN_PROXY_SHUTDOWN_GRACE_PERIOD": "2s",
            "TERN_PROXY_LOG_LEVEL": "info",
        ]
    }

    private func applicationCommand(_ workload: LocalWorkload, _ placement: Placement) -> [String] {
        // `exec` so the supervised pid is the application itself, not the shell.
        let shell = ["/bin/sh", "-c", "exec \(workload.command)"]
        guard let namespace = placement.networkNamespace else { return shell }
        return ["ip", "netns", "exec", namespace] + shell
    }

    private func applicationEnvironment(_ workload: LocalWorkload, _ placement: Placement) -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment
        var environment = workload.environment
        // `tern` in a command means this Tern, whatever the user's PATH says.
        environment["PATH"] = config.binaries + ":" + (inherited["PATH"] ?? "/usr/bin:/bin")
        for key in ["HOME", "LANG", "TERM"] { if let value = inherited[key] { environment[key] = value } }
        if let port = workload.applicationPort { environment["PORT"] = "\(placement.applicationPort(for: port))" }
        environment["TERN_POD_NAME"] = workload.podName
        environment["TERN_POD_NAMESPACE"] = workload.namespace
        environment["TERN_POD_IP"] = placement.address
        if mode == .explicit {
            let proxy = "http://127.0.0.1:\(placement.outboundPort)"
            environment["HTTP_PROXY"] = proxy
            environment["http_proxy"] = proxy
        }
        return environment
    }

    func stopWorkload(_ entry: RunningWorkload) {
        entry.application.stop(grace: 3)
        entry.proxy.stop(grace: 4)
        if let namespace = entry.placement.networkNamespace {
            TransparentNetwork.removeNamespace(namespace)
            namespacesCreated.removeAll { $0 == namespace }
        }
    }
}
