/// The `nat` table as `iptables-save -t nat` prints it: which chains exist and their rules in
/// order. Enough to tell whether Tern's rules are installed, and which jumps point at them.
public struct NatTableState: Sendable, Hashable {
    /// Every chain declared in the table (built-in and user-defined).
    public var chains: Set<String>
    /// Rules in the order iptables lists them.
    public var rules: [IptablesRule]

    public init(chains: Set<String> = [], rules: [IptablesRule] = []) {
        self.chains = chains
        self.rules = rules
    }

    /// Parses `iptables-save` output. Only the `*nat` section is read; counters, comments and
    /// other tables are ignored.
    public init(iptablesSave text: String) {
        self.init()
        var inNat = false
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.withoutTrailingSpaces
            if line.hasPrefix("*") { inNat = line == "*nat"; continue }
            guard inNat else { continue }
            if line.hasPrefix(":") {
                // ":NAME POLICY [packets:bytes]"
                if let name = line.dropFirst().split(separator: " ").first { chains.insert(String(name)) }
            } else if line.hasPrefix("-A ") {
                let tokens = IptablesQuoting.split(line)
                guard tokens.count >= 2 else { continue }
                rules.append(IptablesRule(chain: tokens[1], Array(tokens.dropFirst(2))))
            }
        }
    }

    public func rules(in chain: String) -> [IptablesRule] { rules.filter { $0.chain == chain } }
}

extension Substring {
    fileprivate var withoutTrailingSpaces: Substring {
        var s = self
        while s.last == " " || s.last == "\r" { s = s.dropLast() }
        return s
    }
}
