import TernResources

/// One workload the runtime runs: its application command and what its pod looks like to
/// the mesh. Derived from a Deployment (or ExternalWorkload) carrying `tern.io/command`.
public struct LocalWorkload: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable { case deployment, externalWorkload }

    public var kind: Kind
    public var namespace: String
    public var name: String
    public var serviceAccount: String
    /// The shell command line that starts the application (`tern.io/command`).
    public var command: String
    public var labels: [String: String]
    /// Container ports by name (unnamed ports are keyed by their number); the first one is
    /// the application's `PORT`.
    public var ports: [Port]
    /// Plain `env` entries of the first container, passed to the application.
    public var environment: [String: String]
    /// A proxy inbound port the manifest fixes (an ExternalWorkload's
    /// `config.linkerd.io/proxy-inbound-port`): the mesh dials it, so the proxy must use it.
    public var fixedProxyInboundPort: Int? = nil

    public struct Port: Sendable, Hashable, Codable {
        public var name: String?
        public var port: Int
        public init(name: String?, port: Int) {
            self.name = name
            self.port = port
        }
    }

    /// Identifies the workload across reconciliations: a changed command, port or label is
    /// a new workload (the old one is stopped, the new one started).
    public var id: String { "\(namespace)/\(name)" }
    public var podName: String { "\(name)-local-0" }
    /// The owning ReplicaSet's conventional name, so the control plane labels metrics with
    /// `deployment=<name>`.
    public var replicaSetName: String { "\(name)-local" }
    public var identity: String { "\(serviceAccount).\(namespace).serviceaccount.identity.tern.cluster.local" }
    public var applicationPort: Int? { ports.first?.port }
}

/// Turns cluster state into the workloads to run. Pure.
public enum WorkloadPlanner {
    public static let commandAnnotation = "tern.io/command"
    public static let inboundPortAnnotation = "config.linkerd.io/proxy-inbound-port"

    public struct Plan: Sendable, Equatable {
        public var workloads: [LocalWorkload] = []
        /// Objects that cannot run here and why (shown by `tern local status`).
        public var skipped: [String] = []
    }

    public static func plan(_ state: ClusterState, mode: RuntimeMode) -> Plan {
        var plan = Plan()
        for deployment in state.all(Deployment.self) {
            let name = deployment.metadata.name ?? ""
            let namespace = deployment.metadata.namespace ?? "default"
            let template = deployment.spec?.template
            guard let command = deployment.metadata.annotation(commandAnnotation)
                    ?? template?.metadata?.annotation(commandAnnotation) else {
                plan.skipped.append("deployment \(namespace)/\(name): no \(commandAnnotation) annotation, so nothing to run")
                continue
            }
            if deployment.spec?.replicas == 0 { continue }
            let container = template?.spec?.containers?.first
            let ports = (container?.ports ?? []).compactMap { p in p.containerPort.map { LocalWorkload.Port(name: p.name, port: $0) } }
            var environment: [String: String] = [:]
            for variable in container?.env ?? [] {
                if let key = variable.name, let value = variable.value { environment[key] = value }
            }
            plan.workloads.append(LocalWorkload(
                kind: .deployment, namespace: namespace, name: name,
                serviceAccount: template?.spec?.serviceAccountName ?? template?.spec?.serviceAccount ?? "default",
                command: command, labels: template?.metadata?.labels ?? [:], ports: ports, environment: environment))
        }
        for external in state.all(Linkerd.ExternalWorkload.self) {
            guard let command = external.metadata.annotation(commandAnnotation) else { continue }
            let name = external.metadata.name ?? ""
            let namespace = external.metadata.namespace ?? "default"
            guard mode == .explicit else {
                plan.skipped.append("externalworkload \(namespace)/\(name): runs in explicit mode only (its IPs are its own); use a Deployment for transparent mode")
                continue
            }
            guard let inbound = external.metadata.annotation(inboundPortAnnotation).flatMap(Int.init) else {
                plan.skipped.append("externalworkload \(namespace)/\(name): set \(inboundPortAnnotation) so its proxy's inbound port is known")
                continue
            }
            let identity = external.spec?.meshTLS?.identity ?? ""
            let parts = identity.split(separator: ".")
            let serviceAccount = parts.count > 2 && parts[2] == "serviceaccount" ? String(parts[0]) : "default"
            let ports = (external.spec?.ports ?? []).compactMap { p in p.port.map { LocalWorkload.Port(name: p.name, port: $0) } }
            plan.workloads.append(LocalWorkload(
                kind: .externalWorkload, namespace: namespace, name: name, serviceAccount: serviceAccount,
                command: command, labels: external.metadata.labels ?? [:], ports: ports, environment: [:],
                fixedProxyInboundPort: inbound))
        }
        return plan
    }
}
