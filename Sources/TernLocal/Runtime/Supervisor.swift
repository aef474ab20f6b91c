import Foundation
import TernResources

/// The local runtime's supervisor: starts the controller, reconciles the workloads the
/// manifests describe with the processes running (every second), restarts crashed children
/// with backoff, and on `shutdown()` removes everything it made. Synchronous by design — it
/// runs `ip` and waits on processes — so it lives on a thread of its own
/// (`LocalRuntimeService` bridges it to the service lifecycle).
public final class Supervisor: @unchecked Sendable {
    let config: RuntimeConfiguration
    var layout: StateLayout { config.layout }
    var mode: RuntimeMode { config.mode.mode }
    var controller: ChildProcess?
    var controllerRecord: RuntimeRecord.Controller?
    var network: TransparentNetwork?
    var running: [String: RunningWorkload] = [:]
    var namespacesCreated: [String] = []
    var skipped: [String] = []
    var nextNamespaceIndex = 0
    let tag: String
    let startedAt = Date()

    /// A workload's processes and where they run.
    struct RunningWorkload {
        var workload: LocalWorkload
        var placement: Placement
        var proxy: ChildProcess
        var application: ChildProcess
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(config: RuntimeConfiguration) {
        self.config = config
        tag = String(UInt32.random(in: 0...0xFFFFF), radix: 36)
    }

    /// Prepares the state directory, the network and the controller. Throws (after cleaning
    /// up what it made) when any of it fails.
    public func start() throws {
        if let existing = RuntimeRecord.load(layout), kill(existing.supervisorPID, 0) == 0 {
            throw Failure(description: "a local runtime already runs from \(layout.root) (pid \(existing.supervisorPID)); stop it with `tern local down --state-dir \(layout.root)`")
        }
        if let stale = RuntimeRecord.load(layout) { Self.cleanUp(after: stale, layout: layout) }
        do {
            try prepareDirectories()
            try createIdentity()
            if mode == .transparent { try createNetwork() }
            try startController()
            tick()
        } catch {
            shutdown()
            throw error
        }
    }

    private func prepareDirectories() throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: layout.root)
        for directory in [layout.root, layout.applied, layout.runtimeManifests, layout.tokens, layout.logs, layout.identity] {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // The proxies run as UID 2102 in transparent mode and must reach their token file.
        chmod(layout.root, 0o711)
        chmod(layout.tokens, 0o711)
        chmod(layout.identity, 0o711)
        for manifest in config.initialManifests {
            try AtomicFile.write(manifest.text, to: "\(layout.applied)/\(manifest.name)")
        }
        try AtomicFile.write("# Written by the Tern local runtime: the pods it runs. Do not edit.\n", to: layout.podsFile)
    }

    private func createIdentity() throws {
        let result = try ProcessRunner().run([config.tern, "identity", "init", "--trust-domain", "cluster.local", "--out", layout.identity], stdin: nil)
        guard result.status == 0 else { throw Failure(description: "tern identity init: \(result.stderr)") }
        chmod(layout.trustAnchors, 0o644)
    }

    private func createNetwork() throws {
        guard let subnet = SubnetPlan.pick(avoiding: TransparentNetwork.hostAddresses()) else {
            throw Failure(description: "every 10.213.N.0/24 subnet is in use on this host")
        }
        let network = TransparentNetwork(bridge: NamespaceNames.bridge(tag: tag), subnet: subnet)
        self.network = network
        try network.createBridge()
        config.log("network: bridge \(network.bridge) on \(subnet.cidr), one network namespace per workload")
    }

    private func startController() throws {
        let host = network?.subnet.gateway ?? "127.0.0.1"
        guard let identityPort = HostProbe.freePort(host: host), let destinationPort = HostProbe.freePort(host: host),
              let policyPort = HostProbe.freePort(host: host), let adminPort = HostProbe.freePort() else {
            throw Failure(description: "no free ports for the controller on \(host)")
        }
        let child = ChildProcess(name: "tern-controller", arguments: [
            config.controller, "--identity-dir", layout.identity, "--identity-host", host, "--identity-port", "\(identityPort)",
            "--serve", "identity,destination,policy", "--source", "dir:\(layout.cluster)",
            "--api-host", host, "--destination-port", "\(destinationPort)", "--policy-port", "\(policyPort)",
            "--admin-host", "127.0.0.1", "--admin-port", "\(adminPort)",
        ], environment: ProcessInfo.processInfo.environment, logPath: layout.log("controller"))
        try child.start()
        controller = child
        controllerRecord = .init(pid: child.pid, adminURL: "http://127.0.0.1:\(adminPort)", identityAddress: "\(host):\(identityPort)",
                                 destinationAddress: "\(host):\(destinationPort)", policyAddress: "\(host):\(policyPort)")
        let deadline = Date().addingTimeInterval(20)
        while BlockingHTTP.get("http://127.0.0.1:\(adminPort)/ready")?.status != 200 {
            guard Date() < deadline, child.isRunning else {
                let log = (try? String(contentsOfFile: layout.log("controller"), encoding: .utf8)) ?? ""
                throw Failure(description: "tern-controller did not become ready:\n\(log.suffix(2000))")
            }
            usleep(100_000)
        }
        config.log("controller: ready (admin http://127.0.0.1:\(adminPort), log \(layout.log("controller")))")
    }

    /// One reconciliation: read the manifests, start and stop workloads, restart crashed
    /// children, publish pods and the record.
    public func tick() {
        if let line = controller?.superviseTick() {
            config.log(line)
            controllerRecord?.pid = controller?.pid
        }
        let state = readClusterState()
        let plan = WorkloadPlanner.plan(state, mode: mode)
        skipped = plan.skipped
        reconcile(plan.workloads, state: state)
        for (_, entry) in running.sorted(by: { $0.key < $1.key }) {
            for child in [entry.proxy, entry.application] { if let line = child.superviseTick() { config.log(line) } }
        }
        do {
            try AtomicFile.update(PodManifests.render(running.values.map { ($0.workload, $0.placement) }, mode: mode), at: layout.podsFile)
            if let network {
                for entry in running.values { try network.writeHosts(HostsFile.render(state, workloadNamespace: entry.workload.namespace),
                                                                     namespace: entry.placement.networkNamespace ?? "") }
            }
            try record().save(layout)
        } catch {
            config.log("could not write runtime state: \(error)")
        }
    }

    /// The applied manifests as the controller sees them; files that fail validation are
    /// left out whole, as the controller does.
    func readClusterState() -> ClusterState {
        var state = ClusterState()
        let parser = ManifestParser()
        for path in ManifestFiles.walk(layout.applied) {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let result = parser.parse(bytes: [UInt8](data), file: path)
            guard result.isValid else { continue }
            for object in result.objects { state.apply(object) }
        }
        return state
    }
}
