import ArgumentParser
import Foundation
import GRPCCore
import TernAPI
import TernPolicy

struct DiagnosticsPolicy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "The inbound policy of a workload's port, as the policy API sends it.")

    @Argument(help: "The workload: namespace/pod-name (or pod-name in the default namespace).")
    var workload: String

    @Argument(help: "The port.")
    var port: Int

    @OptionGroup var connection: ControllerConnection
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: DiagnosticsCommand.Format = .table

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("port must be from 1 to 65535, got \(port)") }
    }

    func run() async throws {
        var draft = Tern_Policy_V1_InboundPort()
        let parts = workload.split(separator: "/", maxSplits: 1).map(String.init)
        draft.workload = parts.count == 2 ? "\(parts[0]):\(parts[1])" : "default:\(workload)"
        draft.port = UInt32(port)
        let policy: InboundPolicy
        let request = draft
        do {
            policy = try await connection.withClient(defaultPort: 8090, defaultServerName: DiagnosticsCommand.serverName("tern-destination")) { client in
                try await Tern_Policy_V1_InboundServerPolicies.Client(wrapping: client).watch(request, options: connection.callOptions) { response in
                    guard let first = try await DiagnosticsCommand.first(response.messages) else {
                        throw RPCError(code: .unavailable, message: "the stream ended without a policy")
                    }
                    return try first.domain()
                }
            }
        } catch {
            throw DiagnosticsCommand.failed(error)
        }
        switch output {
        case .json: print(DiagnosticsCommand.json(policy))
        case .table: print(Self.describe(policy))
        }
    }

    static func describe(_ p: InboundPolicy) -> String {
        var lines = ["SERVER     \(p.serverKind)/\(p.serverName)", "PROTOCOL   \(p.serverProtocol.rawValue)"]
        if p.auditOnly { lines.append("MODE       audit (denials are logged, not enforced)") }
        if let rl = p.rateLimit {
            lines.append("RATE LIMIT total \(rl.totalPerSecond.map(String.init) ?? "-")/s, per identity \(rl.perIdentityPerSecond.map(String.init) ?? "-")/s")
        }
        lines.append("")
        lines.append(p.authorizations.isEmpty && p.routes.allSatisfy({ $0.authorizations.isEmpty })
            ? "No client is authorized: every connection is denied."
            : DiagnosticsCommand.table(["ROUTE", "AUTHORIZATION", "CLIENTS", "NETWORKS"], rows(p)))
        return lines.joined(separator: "\n")
    }

    static func rows(_ p: InboundPolicy) -> [[String]] {
        func row(_ route: String, _ a: ClientAuthorization) -> [String] {
            let clients: String
            switch a.authentication {
            case .unauthenticated: clients = "any (plaintext or TLS)"
            case .tlsUnauthenticated: clients = "any TLS client"
            case .meshTLS(let ids): clients = ids.isEmpty ? "none" : ids.map(\.description).joined(separator: ", ")
            }
            let nets = a.networks == ClientAuthorization.allNetworks ? "all" : a.networks.map { n in
                n.except.isEmpty ? n.cidr.description : "\(n.cidr) except \(n.except.map(\.description).joined(separator: ","))"
            }.joined(separator: ", ")
            return [route, "\(a.kind)/\(a.name)", clients, nets]
        }
        return p.authorizations.map { row("*", $0) } + p.routes.flatMap { r in r.authorizations.map { row(r.name, $0) } }
    }
}

struct DiagnosticsOutbound: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbound", abstract: "The outbound policy (routes, backends, timeouts, retries) for a destination.")

    @Argument(help: "A service (name.namespace[:port]) or ip:port.")
    var target: String

    @Option(help: "The caller's namespace (consumer routes in it apply).") var callerNamespace: String?
    @OptionGroup var connection: ControllerConnection
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: DiagnosticsCommand.Format = .table

    func run() async throws {
        var draft = Tern_Policy_V1_OutboundTarget()
        draft.target = target.contains(":") ? target : target + ":80"
        draft.callerNamespace = callerNamespace ?? ""
        let policy: OutboundPolicy?
        let request = draft
        do {
            policy = try await connection.withClient(defaultPort: 8090, defaultServerName: DiagnosticsCommand.serverName("tern-destination")) { client in
                try await Tern_Policy_V1_OutboundPolicies.Client(wrapping: client).watch(request, options: connection.callOptions) { response in
                    guard let first = try await DiagnosticsCommand.first(response.messages) else {
                        throw RPCError(code: .unavailable, message: "the stream ended without a policy")
                    }
                    return try first.domain()
                }
            }
        } catch {
            throw DiagnosticsCommand.failed(error)
        }
        guard let policy else { print("\(target): no such service (a proxy forwards to the address as it is)"); return }
        switch output {
        case .json: print(DiagnosticsCommand.json(policy))
        case .table:
            print("SERVICE    \(policy.parentNamespace)/\(policy.parentName):\(policy.parentPort)\nPROTOCOL   \(policy.appProtocol.rawValue)\n")
            let rows = policy.routes.map { r in
                [r.kind, r.name, r.backends.map(Self.describe).joined(separator: ", "),
                 r.timeouts.request?.description ?? "-", r.retry.map { "\($0.limit)" } ?? "-", r.fault == nil ? "-" : "yes"]
            }
            print(DiagnosticsCommand.table(["KIND", "ROUTE", "BACKENDS", "TIMEOUT", "RETRIES", "FAULT"], rows))
        }
    }

    static func describe(_ b: Backend) -> String {
        switch b.target {
        case .service(let name, let ns, let port): return "\(name).\(ns):\(port)*\(b.weight)"
        case .address(let host, let port): return "\(host):\(port)*\(b.weight)"
        }
    }
}
