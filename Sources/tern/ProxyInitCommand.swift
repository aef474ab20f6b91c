import ArgumentParser
import Foundation
import TernLocal

/// `tern proxy-init`: what a sidecar's init container does — redirect the pod's inbound TCP to
/// the proxy's inbound port and its outbound TCP to the outbound port, with iptables `nat` rules
/// in Tern's own chains. Idempotent; `--remove` undoes exactly what it installed.
struct ProxyInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy-init",
        abstract: "Install the iptables rules that send a pod's traffic through its proxy.",
        discussion: """
            Chains TERN_PROXY_INIT_REDIRECT (from PREROUTING) and TERN_PROXY_INIT_OUTPUT (from OUTPUT) \
            in the nat table. Outbound traffic from the proxy's UID/GID and through loopback is never \
            redirected. Running it again changes nothing; --remove deletes the chains and their jumps. \
            Output is the iptables commands applied (or, with --dry-run, those a fresh namespace needs). \
            Needs root or CAP_NET_ADMIN, except --dry-run. IPv4 only.
            """
    )

    @Option(help: "Port of the proxy's inbound listener.") var inboundPort = 4143
    @Option(help: "Port of the proxy's outbound listener.") var outboundPort = 4140
    @Option(name: .customLong("proxy-uid"), help: "UID the proxy runs as; its traffic is not redirected (default 2102 unless --proxy-gid is given).")
    var proxyUID: Int?
    @Option(name: .customLong("proxy-gid"), help: "GID the proxy runs as; its traffic is not redirected.")
    var proxyGID: Int?
    @Option(help: ArgumentHelp("Inbound ports that reach the workload directly; \"\" for none.", valueName: "ports"))
    var inboundSkipPorts = "4190,4191"
    @Option(help: ArgumentHelp("Redirect only these inbound ports (default: all).", valueName: "ports"))
    var inboundRedirectPorts: String?
    @Option(help: ArgumentHelp("Outbound ports that bypass the proxy, e.g. 25,3306,5000-5010.", valueName: "ports"))
    var outboundSkipPorts = ""
    @Option(help: ArgumentHelp("Outbound networks that bypass the proxy, e.g. 10.96.0.0/12,169.254.169.254.", valueName: "cidrs"))
    var outboundSkipSubnets = ""
    @Option(help: "iptables front end: default (whatever `iptables` is), nft or legacy.")
    var iptablesMode: IptablesMode = .default
    @Option(name: .customLong("netns"), help: ArgumentHelp("Act inside this named network namespace (ip netns exec).", valueName: "name"))
    var networkNamespace: String?
    @Flag(help: "Print the commands instead of running them; needs no privileges.") var dryRun = false
    @Flag(help: "Remove Tern's proxy-init chains and jumps instead of installing them.") var remove = false

    /// The validated configuration; every flag problem is a usage error (exit 2) before anything runs.
    func config() throws -> ProxyInitConfig {
        do {
            let config = ProxyInitConfig(
                inboundPort: inboundPort,
                outboundPort: outboundPort,
                proxyUID: proxyUID ?? (proxyGID == nil ? ProxyInitConfig.defaultProxyUID : nil),
                proxyGID: proxyGID,
                inboundSkipPorts: try ProxyInitConfig.parsePorts(inboundSkipPorts, field: "--inbound-skip-ports"),
                inboundRedirectPorts: try inboundRedirectPorts.map { try ProxyInitConfig.parsePorts($0, field: "--inbound-redirect-ports") },
                outboundSkipPorts: try ProxyInitConfig.parsePorts(outboundSkipPorts, field: "--outbound-skip-ports"),
                outboundSkipSubnets: try ProxyInitConfig.parseSubnets(outboundSkipSubnets))
            try config.validate()
            return config
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        let rules = ProxyInitRules(try config())
        let executor: ProxyInitExecutor
        do {
            executor = try ProxyInitExecutor(mode: iptablesMode, networkNamespace: networkNamespace)
        } catch {
            throw ValidationError("\(error)")
        }
        if dryRun {
            let commands = remove ? rules.removeCommands : rules.installCommands
            executor.commandLines(commands).forEach { print($0) }
            return
        }
        do {
            let applied = remove ? try executor.remove() : try executor.install(rules)
            executor.commandLines(applied).forEach { print($0) }
            if applied.isEmpty {
                print(remove ? "# no Tern proxy-init rules installed; nothing changed" : "# rules already installed; nothing changed")
            } else {
                print(remove ? "# removed Tern proxy-init rules" : "# installed Tern proxy-init rules")
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

extension IptablesMode: ExpressibleByArgument {}
