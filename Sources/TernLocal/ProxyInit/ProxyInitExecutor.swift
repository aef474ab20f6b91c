/// Which iptables front end programs the rules. Debian and most current distributions point
/// plain `iptables` at the nf_tables back end; the explicit modes exist for hosts whose other
/// tooling (kube-proxy, a CNI) uses the other back end, whose rules ours must sit beside.
public enum IptablesMode: String, Sendable, CaseIterable {
    case `default`, nft, legacy

    /// The `iptables` binary for command lines and dry runs.
    public var iptables: String {
        switch self {
        case .default: return "iptables"
        case .nft: return "iptables-nft"
        case .legacy: return "iptables-legacy"
        }
    }

    var save: String { iptables + "-save" }
    var restore: String { iptables + "-restore" }
}

public enum ProxyInitError: Error, Hashable, CustomStringConvertible {
    case badNamespace(String)
    case commandFailed(command: String, status: Int32, stderr: String)

    public var description: String {
        switch self {
        case .badNamespace(let name):
            return "network namespace \"\(name)\": expected a name as `ip netns list` shows it (no '/', not empty)"
        case .commandFailed(let command, let status, let stderr):
            let detail = stderr.trimmingTrailingNewlines
            return "`\(command)` exited with status \(status)\(detail.isEmpty ? "" : ": \(detail)")"
                + (status != 0 && detail.contains("ermission") ? " (run as root or with CAP_NET_ADMIN)" : "")
        }
    }
}

/// Applies proxy-init rules to a network namespace's `nat` table: reads it with `iptables-save`,
/// plans the difference, and applies that in one `iptables-restore --noflush` transaction, so a
/// failure leaves the table as it was and a second run changes nothing.
public struct ProxyInitExecutor: Sendable {
    public var mode: IptablesMode
    /// A named namespace (`ip netns add NAME`) to act in, or nil for the caller's own.
    public var networkNamespace: String?
    public var runner: any CommandRunner

    public init(mode: IptablesMode = .default, networkNamespace: String? = nil, runner: any CommandRunner = ProcessRunner()) throws(ProxyInitError) {
        if let name = networkNamespace, name.isEmpty || name.contains("/") || name == "." || name == ".." {
            throw .badNamespace(name)
        }
        self.mode = mode
        self.networkNamespace = networkNamespace
        self.runner = runner
    }

    /// Installs `rules`, returning the commands applied (none when they were already in place).
    @discardableResult
    public func install(_ rules: ProxyInitRules) throws -> [IptablesCommand] {
        let commands = ProxyInitPlan.install(rules, over: try currentState())
        try apply(commands)
        return commands
    }

    /// Removes every Tern proxy-init chain and jump, returning the commands applied.
    @discardableResult
    public func remove() throws -> [IptablesCommand] {
        let commands = ProxyInitPlan.remove(over: try currentState())
        try apply(commands)
        return commands
    }

    /// The `nat` table as it is now.
    public func currentState() throws -> NatTableState {
        NatTableState(iptablesSave: try checked([mode.save, "-t", "nat"], stdin: nil).stdout)
    }

    /// Command lines a person could run for `commands`, including the namespace prefix.
    public func commandLines(_ commands: [IptablesCommand]) -> [String] {
        let prefix = networkNamespace.map { "ip netns exec \(IptablesQuoting.quoted($0)) " } ?? ""
        return commands.map { prefix + $0.commandLine(binary: mode.iptables) }
    }

    /// The `iptables-restore` input for `commands`: one transaction on the `nat` table.
    public static func restoreInput(_ commands: [IptablesCommand]) -> String {
        (["*nat"] + commands.map { $0.arguments.map(IptablesQuoting.quoted).joined(separator: " ") } + ["COMMIT", ""])
            .joined(separator: "\n")
    }

    private func apply(_ commands: [IptablesCommand]) throws {
        guard !commands.isEmpty else { return }
        // --noflush: only the listed changes happen; the rest of the table is left alone.
        _ = try checked([mode.restore, "--noflush"], stdin: Self.restoreInput(commands))
    }

    private func checked(_ arguments: [String], stdin: String?) throws -> CommandResult {
        let full = networkNamespace.map { ["ip", "netns", "exec", $0] + arguments } ?? arguments
        let result = try runner.run(full, stdin: stdin)
        guard result.status == 0 else {
            throw ProxyInitError.commandFailed(command: full.joined(separator: " "), status: result.status, stderr: result.stderr)
        }
        return result
    }
}

extension String {
    fileprivate var trimmingTrailingNewlines: String {
        var s = Substring(self)
        while s.last == "\n" || s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
