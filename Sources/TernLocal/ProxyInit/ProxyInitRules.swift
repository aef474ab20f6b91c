import TernCore

/// The rules `tern proxy-init` owns: two chains in the `nat` table plus one jump into each from
/// the built-in chain it hooks. Tern's chain names differ from Linkerd's `PROXY_INIT_*` so a pod
/// (or a host) that already carries Linkerd's rules is never confused with ours.
public struct ProxyInitRules: Sendable, Hashable {
    /// Hooked from PREROUTING: connections arriving from another interface (inbound).
    public static let redirectChain = "TERN_PROXY_INIT_REDIRECT"
    /// Hooked from OUTPUT: connections the pod's own processes open (outbound).
    public static let outputChain = "TERN_PROXY_INIT_OUTPUT"
    public static let ownedChains = [redirectChain, outputChain]

    /// A chain Tern creates, with its rules in order.
    public struct Chain: Sendable, Hashable {
        public var name: String
        public var rules: [IptablesRule]
    }

    /// The owned chains, in the order of `ownedChains`.
    public var chains: [Chain]
    /// The jumps from PREROUTING and OUTPUT into the owned chains.
    public var jumps: [IptablesRule]

    /// Builds the rules for a configuration (validate it first). Pure: no I/O.
    public init(_ config: ProxyInitConfig) {
        chains = [
            Chain(name: Self.redirectChain, rules: Self.inboundRules(config)),
            Chain(name: Self.outputChain, rules: Self.outboundRules(config)),
        ]
        jumps = [
            IptablesRule(chain: "PREROUTING", Self.comment("install") + ["-j", Self.redirectChain]),
            IptablesRule(chain: "OUTPUT", Self.comment("install") + ["-j", Self.outputChain]),
        ]
    }

    /// Every command a fresh network namespace needs, in order: each chain and its rules, then the jumps
    /// (last, so no packet ever meets a half-filled chain).
    public var installCommands: [IptablesCommand] {
        chains.flatMap { [.newChain($0.name)] + $0.rules.map(IptablesCommand.append) } + jumps.map(IptablesCommand.append)
    }

    /// Every command that undoes `installCommands`: jumps first, then the emptied chains.
    public var removeCommands: [IptablesCommand] {
        jumps.map(IptablesCommand.delete) + chains.map { .flushChain($0.name) } + chains.map { .deleteChain($0.name) }
    }

    /// Inbound: skipped ports return first, then either everything or the chosen ports go to the proxy.
    static func inboundRules(_ config: ProxyInitConfig) -> [IptablesRule] {
        let chain = redirectChain
        var rules = multiport(config.inboundSkipPorts).map {
            IptablesRule(chain: chain, ["-p", "tcp", "-m", "multiport", "--dports", $0] + comment("skip-inbound-ports") + ["-j", "RETURN"])
        }
        let redirect = ["-j", "REDIRECT", "--to-ports", String(config.inboundPort)]
        if let only = config.inboundRedirectPorts {
            rules += multiport(only).map {
                IptablesRule(chain: chain, ["-p", "tcp", "-m", "multiport", "--dports", $0] + comment("redirect-inbound-ports") + redirect)
            }
        } else {
            rules.append(IptablesRule(chain: chain, ["-p", "tcp"] + comment("redirect-all-inbound") + redirect))
        }
        return rules
    }

    /// Outbound: the proxy's own traffic, loopback, skipped ports and subnets return; the rest of TCP
    /// goes to the proxy. Anything leaving through `lo` is skipped, which includes the pod talking to
    /// its own pod IP: that traffic never crosses the mesh, as with Linkerd's init container.
    static func outboundRules(_ config: ProxyInitConfig) -> [IptablesRule] {
        let chain = outputChain
        var rules: [IptablesRule] = []
        if let uid = config.proxyUID {
            rules.append(IptablesRule(chain: chain, ["-m", "owner", "--uid-owner", String(uid)] + comment("skip-proxy-uid") + ["-j", "RETURN"]))
        }
        if let gid = config.proxyGID {
            rules.append(IptablesRule(chain: chain, ["-m", "owner", "--gid-owner", String(gid)] + comment("skip-proxy-gid") + ["-j", "RETURN"]))
        }
        rules.append(IptablesRule(chain: chain, ["-o", "lo"] + comment("skip-loopback") + ["-j", "RETURN"]))
        rules += multiport(config.outboundSkipPorts).map {
            IptablesRule(chain: chain, ["-p", "tcp", "-m", "multiport", "--dports", $0] + comment("skip-outbound-ports") + ["-j", "RETURN"])
        }
        rules += config.outboundSkipSubnets.map {
            IptablesRule(chain: chain, ["-d", $0.description] + comment("skip-outbound-subnet") + ["-j", "RETURN"])
        }
        rules.append(IptablesRule(chain: chain, ["-p", "tcp"] + comment("redirect-all-outbound")
            + ["-j", "REDIRECT", "--to-ports", String(config.outboundPort)]))
        return rules
    }

    /// A comment naming the rule's purpose, so `iptables-save` output explains itself. No spaces:
    /// the comment survives shell and `iptables-restore` quoting unchanged.
    static func comment(_ purpose: String) -> [String] {
        ["-m", "comment", "--comment", "tern-proxy-init/\(purpose)"]
    }

    /// The `multiport` match takes at most 15 ports per rule, a range counting as two, so long
    /// lists are split across rules. Ranges are written `lo:hi`, as iptables prints them.
    static func multiport(_ ports: PortSet) -> [String] {
        var lists: [String] = []
        var current: [String] = []
        var weight = 0
        for range in ports.ranges {
            let cost = range.count == 1 ? 1 : 2
            if weight + cost > 15 { lists.append(current.joined(separator: ",")); current = []; weight = 0 }
            current.append(range.count == 1 ? String(range.lowerBound) : "\(range.lowerBound):\(range.upperBound)")
            weight += cost
        }
        if !current.isEmpty { lists.append(current.joined(separator: ",")) }
        return lists
    }
}
