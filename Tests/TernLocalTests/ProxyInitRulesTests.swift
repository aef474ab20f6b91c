import TernCore
import Testing
@testable import TernLocal

@Suite struct ProxyInitRulesTests {
    static func lines(_ commands: [IptablesCommand]) -> [String] { commands.map { $0.commandLine() } }

    @Test func defaultConfigInstallsLinkerdShapedRules() {
        #expect(Self.lines(ProxyInitRules(ProxyInitConfig()).installCommands) == [
            "iptables -t nat -N TERN_PROXY_INIT_REDIRECT",
            "iptables -t nat -A TERN_PROXY_INIT_REDIRECT -p tcp -m multiport --dports 4190,4191 -m comment --comment tern-proxy-init/skip-inbound-ports -j RETURN",
            "iptables -t nat -A TERN_PROXY_INIT_REDIRECT -p tcp -m comment --comment tern-proxy-init/redirect-all-inbound -j REDIRECT --to-ports 4143",
            "iptables -t nat -N TERN_PROXY_INIT_OUTPUT",
            "iptables -t nat -A TERN_PROXY_INIT_OUTPUT -m owner --uid-owner 2102 -m comment --comment tern-proxy-init/skip-proxy-uid -j RETURN",
            "iptables -t nat -A TERN_PROXY_INIT_OUTPUT -o lo -m comment --comment tern-proxy-init/skip-loopback -j RETURN",
            "iptables -t nat -A TERN_PROXY_INIT_OUTPUT -p tcp -m comment --comment tern-proxy-init/redirect-all-outbound -j REDIRECT --to-ports 4140",
            "iptables -t nat -A PREROUTING -m comment --comment tern-proxy-init/install -j TERN_PROXY_INIT_REDIRECT",
            "iptables -t nat -A OUTPUT -m comment --comment tern-proxy-init/install -j TERN_PROXY_INIT_OUTPUT",
        ])
    }

    @Test func defaultConfigRemovesJumpsThenChains() {
        #expect(Self.lines(ProxyInitRules(ProxyInitConfig()).removeCommands) == [
            "iptables -t nat -D PREROUTING -m comment --comment tern-proxy-init/install -j TERN_PROXY_INIT_REDIRECT",
            "iptables -t nat -D OUTPUT -m comment --comment tern-proxy-init/install -j TERN_PROXY_INIT_OUTPUT",
            "iptables -t nat -F TERN_PROXY_INIT_REDIRECT",
            "iptables -t nat -F TERN_PROXY_INIT_OUTPUT",
            "iptables -t nat -X TERN_PROXY_INIT_REDIRECT",
            "iptables -t nat -X TERN_PROXY_INIT_OUTPUT",
        ])
    }

    @Test func customConfigSkipsPortsSubnetsAndRedirectsChosenPorts() throws {
        let config = ProxyInitConfig(
            inboundPort: 5143, outboundPort: 5140, proxyUID: 1000, proxyGID: 3000,
            inboundSkipPorts: PortSet(ports: []),
            inboundRedirectPorts: PortSet(ranges: [80...80, 8080...8090]),
            outboundSkipPorts: PortSet(ranges: [25...25, 3306...3306]),
            outboundSkipSubnets: [try CIDR(parsing: "10.96.0.0/12"), try CIDR(parsing: "169.254.169.254")])
        let rules = ProxyInitRules(config)
        #expect(rules.chains.map(\.name) == ["TERN_PROXY_INIT_REDIRECT", "TERN_PROXY_INIT_OUTPUT"])
        #expect(rules.chains[0].rules.map(\.description) == [
            "-A TERN_PROXY_INIT_REDIRECT -p tcp -m multiport --dports 80,8080:8090 -m comment --comment tern-proxy-init/redirect-inbound-ports -j REDIRECT --to-ports 5143",
        ])
        #expect(rules.chains[1].rules.map(\.description) == [
            "-A TERN_PROXY_INIT_OUTPUT -m owner --uid-owner 1000 -m comment --comment tern-proxy-init/skip-proxy-uid -j RETURN",
            "-A TERN_PROXY_INIT_OUTPUT -m owner --gid-owner 3000 -m comment --comment tern-proxy-init/skip-proxy-gid -j RETURN",
            "-A TERN_PROXY_INIT_OUTPUT -o lo -m comment --comment tern-proxy-init/skip-loopback -j RETURN",
            "-A TERN_PROXY_INIT_OUTPUT -p tcp -m multiport --dports 25,3306 -m comment --comment tern-proxy-init/skip-outbound-ports -j RETURN",
            "-A TERN_PROXY_INIT_OUTPUT -d 10.96.0.0/12 -m comment --comment tern-proxy-init/skip-outbound-subnet -j RETURN",
            "-A TERN_PROXY_INIT_OUTPUT -d 169.254.169.254/32 -m comment --comment tern-proxy-init/skip-outbound-subnet -j RETURN",
            "-A TERN_PROXY_INIT_OUTPUT -p tcp -m comment --comment tern-proxy-init/redirect-all-outbound -j REDIRECT --to-ports 5140",
        ])
    }

    @Test func longPortListsSplitAtFifteenWithRangesCountingTwo() {
        let ports = PortSet(ranges: (1...14).map { $0...$0 } + [100...200, 300...300])
        #expect(ProxyInitRules.multiport(ports) == ["1,2,3,4,5,6,7,8,9,10,11,12,13,14", "100:200,300"])
        #expect(ProxyInitRules.multiport(PortSet(ports: [])) == [])
    }

    @Test func dryRunLinesCarryTheNamespaceAndMode() throws {
        let executor = try ProxyInitExecutor(mode: .legacy, networkNamespace: "pod-a")
        #expect(executor.commandLines([.newChain("TERN_PROXY_INIT_OUTPUT")]) == [
            "ip netns exec pod-a iptables-legacy -t nat -N TERN_PROXY_INIT_OUTPUT",
        ])
    }
}
