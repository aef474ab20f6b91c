import ArgumentParser
import Foundation
import GRPCCore
import TernAPI
import TernPolicy

/// `tern diagnostics`: ask a running controller what a proxy would receive.
struct DiagnosticsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnostics",
        abstract: "Show what the controller tells proxies about a destination or a workload port.",
        subcommands: [DiagnosticsEndpoints.self, DiagnosticsPolicy.self, DiagnosticsOutbound.self])

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    /// The identities the controller's API servers present.
    static func serverName(_ serviceAccount: String) -> String {
        "\(serviceAccount).tern.serviceaccount.identity.tern.cluster.local"
    }

    /// The first message of a stream (the whole current state), then the stream is closed.
    static func first<Message: Sendable>(_ messages: RPCAsyncSequence<Message, any Error>) async throws -> Message? {
        for try await message in messages { return message }
        return nil
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Prints rows as aligned columns.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    static func failed(_ error: any Error) -> ExitCode {
        if let rpc = error as? RPCError {
            FileHandle.standardError.write(Data("error: the controller answered \(rpc.code): \(rpc.message)\n".utf8))
        } else {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        }
        return ExitCode(1)
    }
}

struct DiagnosticsEndpoints: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "endpoints", abstract: "The endpoints of a service, as the destination API sends them.")

    @Argument(help: "A service (name.namespace[.svc.cluster.local][:port], port 80 by default) or ip:port.")
    var target: String

    @OptionGroup var connection: ControllerConnection
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: DiagnosticsCommand.Format = .table

    func run() async throws {
        var draft = Tern_Destination_V1_GetDestination()
        draft.path = target.contains(":") || target.contains("[") ? target : target + ":80"
        let set: EndpointSet
        let request = draft
        do {
            set = try await connection.withClient(defaultPort: 8086, defaultServerName: DiagnosticsCommand.serverName("tern-destination")) { client in
                try await Tern_Destination_V1_Destination.Client(wrapping: client).get(request, options: connection.callOptions) { response in
                    var view = EndpointSet(exists: false)
                    if let first = try await DiagnosticsCommand.first(response.messages), let update = try first.domain() { view.apply(update) }
                    return view
                }
            }
        } catch {
            throw DiagnosticsCommand.failed(error)
        }
        switch output {
        case .json:
            print(DiagnosticsCommand.json(set))
        case .table:
            if !set.exists { print("\(target): no such service (a proxy forwards to the address as it is)"); return }
            if set.endpoints.isEmpty { print("\(target): the service exists but has no ready endpoints"); return }
            let rows = set.endpoints.map { e in
                [e.labels["namespace"] ?? "", e.address, "\(e.port)", e.labels["pod"] ?? e.labels["external_workload"] ?? "",
                 e.labels["serviceaccount"] ?? "", e.identity ?? "-", e.protocolHint.rawValue]
            }
            print(DiagnosticsCommand.table(["NAMESPACE", "IP", "PORT", "POD", "SERVICEACCOUNT", "IDENTITY", "HINT"], rows))
        }
    }
}
