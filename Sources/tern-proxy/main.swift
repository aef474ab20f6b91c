import FoundationEssentials
import Logging
import ServiceLifecycle
import TernCore
import TernProxy
import TernTLS

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// tern-proxy: configured from the environment (TERN_PROXY_*, docs/proxy-configuration.md).
//   tern-proxy                                         run the proxy: listeners, admin, identity, discovery
//   tern-proxy --version                               print the version
//   tern-proxy mesh-echo-server [HOST:PORT]            diagnostics: serve mTLS echo with this identity
//   tern-proxy mesh-echo-client HOST:PORT IDENTITY MSG diagnostics: dial, expecting IDENTITY, print reply

let args = Array(CommandLine.arguments.dropFirst())

func fail(_ message: String) -> Never {
    // write(2) rather than fputs(stderr): the C global is not concurrency-safe in Swift 6.
    var line = "tern-proxy: \(message)\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(2)
}

if args.first == "--version" {
    print("tern-proxy \(TernVersion.current)")
    exit(0)
}

let environment = ProcessInfo.processInfo.environment
let config: ProxyConfig
do {
    config = try ProxyConfig(environment: environment)
} catch {
    fail(error.description)
}

let logLevel = LogLevelControl(config.logLevel)
LoggingSystem.bootstrap { label in
    LevelControlledLogHandler(wrapping: StreamLogHandler.standardError(label: label), control: logLevel)
}
let logger = Logger(label: "tern-proxy")
for name in ProxyConfig.unrecognizedVariables(in: environment) {
    logger.warning("unknown variable ignored (a typo?)", metadata: ["variable": "\(name)"])
}
ResourceLimits.raiseOpenFileLimit(logger: logger)

let services: [ServiceGroupConfiguration.ServiceConfiguration]
switch args.first {
case nil:
    do {
        let runtime = try ProxyRuntime(config: config, logLevel: logLevel, logger: logger)
        services = runtime.services
    } catch {
        fail("cannot start: \(error)")
    }
case "mesh-echo-server", "mesh-echo-client":
    guard let identity = config.identity else { fail("\(args[0]) needs TERN_PROXY_IDENTITY_* variables") }
    do {
        services = try MeshEchoMode.services(arguments: args, identity: identity, logger: logger)
    } catch {
        fail("\(error)")
    }
default:
    fail("unknown mode \(args[0]); expected no argument, --version, mesh-echo-server or mesh-echo-client")
}

let group = ServiceGroup(
    configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
do {
    try await group.run()
} catch {
    fail("\(error)")
}
