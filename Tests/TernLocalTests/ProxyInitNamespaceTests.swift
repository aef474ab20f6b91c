import Foundation
import Testing
import TernLocal

/// Runs the real `tern proxy-init` inside a network namespace created for the test, so the
/// host's own iptables rules are never read or changed. Needs root, `ip` and iptables.
@Suite(.enabled(if: NetworkNamespace.available, NetworkNamespace.unavailableReason), .serialized)
struct ProxyInitNamespaceTests {
    @Test func installIsIdempotentAndRemoveUndoesIt() throws {
        try NetworkNamespace.with { ns in
            let before = try ns.natTable()

            let first = try TernProcess.run(["proxy-init", "--netns", ns.name, "--outbound-skip-subnets", "10.96.0.0/12"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("# installed Tern proxy-init rules"))
            let installed = try ns.natTable()
            let ours = installed.filter { $0.contains("TERN_PROXY_INIT") }
            #expect(ours.contains("-A PREROUTING -m comment --comment \"tern-proxy-init/install\" -j TERN_PROXY_INIT_REDIRECT"))
            #expect(ours.contains("-A OUTPUT -m comment --comment \"tern-proxy-init/install\" -j TERN_PROXY_INIT_OUTPUT"))
            #expect(ours.contains("-A TERN_PROXY_INIT_OUTPUT -m owner --uid-owner 2102 -m comment --comment \"tern-proxy-init/skip-proxy-uid\" -j RETURN"))
            #expect(ours.contains("-A TERN_PROXY_INIT_OUTPUT -d 10.96.0.0/12 -m comment --comment \"tern-proxy-init/skip-outbound-subnet\" -j RETURN"))
            #expect(ours.contains("-A TERN_PROXY_INIT_REDIRECT -p tcp -m comment --comment \"tern-proxy-init/redirect-all-inbound\" -j REDIRECT --to-ports 4143"))
            #expect(ours.filter { $0.hasPrefix("-A ") }.count == 8)

            let second = try TernProcess.run(["proxy-init", "--netns", ns.name, "--outbound-skip-subnets", "10.96.0.0/12"])
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stdout == "# rules already installed; nothing changed\n")
            #expect(try ns.natTable() == installed)

            let removed = try TernProcess.run(["proxy-init", "--netns", ns.name, "--remove"])
            #expect(removed.status == 0, "\(removed.stderr)")
            #expect(try ns.natTable() == before)
            let again = try TernProcess.run(["proxy-init", "--netns", ns.name, "--remove"])
            #expect(again.stdout == "# no Tern proxy-init rules installed; nothing changed\n")
        }
    }

    @Test func changedFlagsRewriteTheChainsWithoutDuplicates() throws {
        try NetworkNamespace.with { ns in
            #expect(try TernProcess.run(["proxy-init", "--netns", ns.name]).status == 0)
            let changed = try TernProcess.run(["proxy-init", "--netns", ns.name, "--outbound-port", "5140"])
            #expect(changed.status == 0, "\(changed.stderr)")
            let rules = try ns.natTable().filter { $0.hasPrefix("-A ") && $0.contains("TERN_PROXY_INIT") }
            #expect(rules.count == 7)
            #expect(rules.contains { $0.hasSuffix("--to-ports 5140") })
            #expect(!rules.contains { $0.hasSuffix("--to-ports 4140") })
        }
    }

    @Test func dryRunPrintsCommandsAndChangesNothing() throws {
        try NetworkNamespace.with { ns in
            let before = try ns.natTable()
            let dry = try TernProcess.run(["proxy-init", "--netns", ns.name, "--dry-run"])
            #expect(dry.status == 0, "\(dry.stderr)")
            let lines = dry.stdout.split(separator: "\n")
            #expect(lines.count == 9)
            #expect(lines.first == "ip netns exec \(ns.name) iptables -t nat -N TERN_PROXY_INIT_REDIRECT")
            #expect(try ns.natTable() == before)
        }
    }

    @Test func badFlagsAreRejectedBeforeAnythingRuns() throws {
        try NetworkNamespace.with { ns in
            let before = try ns.natTable()
            let bad = try TernProcess.run(["proxy-init", "--netns", ns.name, "--outbound-skip-subnets", "10.0.0.0/40"])
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("outbound skip subnets: \"10.0.0.0/40\""))
            #expect(try ns.natTable() == before)
        }
    }
}
