/// One rule of the `nat` table: the chain it lives in and its match/target arguments, written
/// the way `iptables-save` prints them so installed rules can be compared token by token.
public struct IptablesRule: Sendable, Hashable, CustomStringConvertible {
    public var chain: String
    public var arguments: [String]

    public init(chain: String, _ arguments: [String]) {
        self.chain = chain
        self.arguments = arguments
    }

    /// The chain this rule jumps to (`-j NAME`), if any.
    public var target: String? {
        guard let index = arguments.firstIndex(of: "-j"), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }

    public var description: String { (["-A", chain] + arguments).map(IptablesQuoting.quoted).joined(separator: " ") }
}

/// One change to the `nat` table. The same value renders as an `iptables` command line (what
/// `--dry-run` prints) and as an `iptables-restore` line (what is applied, atomically).
public enum IptablesCommand: Sendable, Hashable, CustomStringConvertible {
    case newChain(String)
    case flushChain(String)
    case deleteChain(String)
    case append(IptablesRule)
    case delete(IptablesRule)

    /// The arguments after `-t nat`.
    public var arguments: [String] {
        switch self {
        case .newChain(let chain): return ["-N", chain]
        case .flushChain(let chain): return ["-F", chain]
        case .deleteChain(let chain): return ["-X", chain]
        case .append(let rule): return ["-A", rule.chain] + rule.arguments
        case .delete(let rule): return ["-D", rule.chain] + rule.arguments
        }
    }

    /// A shell command line, e.g. `iptables -t nat -N TERN_PROXY_INIT_OUTPUT`.
    public func commandLine(binary: String = "iptables") -> String {
        ([binary, "-t", "nat"] + arguments).map(IptablesQuoting.quoted).joined(separator: " ")
    }

    public var description: String { commandLine() }
}

/// Quoting shared by shell command lines and `iptables-restore` input: both accept double
/// quotes around an argument that holds spaces (comments copied from foreign rules can).
enum IptablesQuoting {
    static func quoted(_ token: String) -> String {
        let plain = !token.isEmpty && token.allSatisfy { $0.isLetter || $0.isNumber || "-_./:,=+!@%".contains($0) }
        if plain { return token }
        var escaped = "\""
        for char in token {
            if char == "\\" || char == "\"" { escaped.append("\\") }
            escaped.append(char)
        }
        return escaped + "\""
    }

    /// Splits an `iptables-save` rule line into arguments, honouring double quotes and backslashes.
    static func split(_ line: Substring) -> [String] {
        var tokens: [String] = []
        var current = ""
        var inToken = false, inQuotes = false, escaping = false
        for char in line {
            if escaping { current.append(char); escaping = false; continue }
            switch char {
            case "\\" where inQuotes: escaping = true
            case "\"": inQuotes.toggle(); inToken = true
            case " " where !inQuotes:
                if inToken { tokens.append(current); current = ""; inToken = false }
            default: current.append(char); inToken = true
            }
        }
        if inToken { tokens.append(current) }
        return tokens
    }
}
