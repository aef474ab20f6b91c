/// Turns wanted rules plus the table as it is into the fewest commands that converge them.
/// Pure, so idempotence is tested without a kernel: a table that already matches yields no
/// commands at all, and nothing outside Tern's own chains and jumps is ever touched.
public enum ProxyInitPlan {
    /// Commands that make `state` carry exactly `rules`: each owned chain created or, when its
    /// content differs, flushed and refilled; exactly one jump from each hooked built-in chain.
    public static func install(_ rules: ProxyInitRules, over state: NatTableState) -> [IptablesCommand] {
        var commands: [IptablesCommand] = []
        for chain in rules.chains {
            let current = state.rules(in: chain.name)
            if !state.chains.contains(chain.name) {
                commands.append(.newChain(chain.name))
            } else if current == chain.rules {
                continue
            } else if !current.isEmpty {
                commands.append(.flushChain(chain.name))
            }
            commands += chain.rules.map(IptablesCommand.append)
        }
        for jump in rules.jumps {
            guard let target = jump.target else { continue }
            let existing = state.rules(in: jump.chain).filter { $0.target == target }
            if existing == [jump] { continue }
            // Stray or duplicated jumps (an older version's, or a second copy) go; one stays.
            commands += existing.filter { $0 != jump }.map(IptablesCommand.delete)
            let kept = existing.filter { $0 == jump }
            commands += kept.dropFirst().map(IptablesCommand.delete)
            if kept.isEmpty { commands.append(.append(jump)) }
        }
        return commands
    }

    /// Commands that remove every jump into Tern's chains and the chains themselves; no commands
    /// when nothing of Tern's is installed.
    public static func remove(over state: NatTableState) -> [IptablesCommand] {
        let owned = Set(ProxyInitRules.ownedChains)
        let jumps = state.rules.filter { rule in
            !owned.contains(rule.chain) && rule.target.map(owned.contains) == true
        }
        let present = ProxyInitRules.ownedChains.filter(state.chains.contains)
        return jumps.map(IptablesCommand.delete)
            + present.filter { !state.rules(in: $0).isEmpty }.map(IptablesCommand.flushChain)
            + present.map(IptablesCommand.deleteChain)
    }
}
