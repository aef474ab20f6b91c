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

// tern-proxy: configured from the environment (TERN_PROXY_*). Without an identity it only
// reports its version; with one it keeps itself certified. Two diagnostic modes prove mesh
// identity end to end until the proxy issue adds the real listeners:
//   tern-proxy mesh-echo-server [HOST:PORT]           serve mTLS echo (default 127.0.0.1:4143)
//   tern-proxy mesh-echo-client HOST:PORT IDENTITY MSG dial, expecting IDENTITY, print reply

LoggingSystem.bootstrap(StreamLogHandler.standardError)
let logger = Logger(label: "tern-proxy")
let args = Array(CommandLine.arguments.dropFirst())

func fail(_ message: String) -> Never {
    // write(2) rather than fputs(stderr): the C global is not concurrency-safe in Swift 6.
    var line = "tern-proxy: \(message)\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(2)
}

func splitHostPort(_ text: String) -> (String, Int)? {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { return nil }
    return (String(text[..<colon]), port)
}

let config: ProxyIdentityConfig
do {
    guard let configured = try ProxyIdentityConfig.fromEnvironment() else {
        print("tern-proxy \(TernVersion.current)")
        exit(0)
    }
    config = configured
} catch {
    fail(error.description)
}

let credentials = MeshCredentials(trustAnchors: config.trustAnchors)
let tls = MeshTLS(credentials: credentials)
let client: GRPCCertifyClient
do {
    client = try GRPCCertifyClient(
        host: config.serviceHost, port: config.servicePort, serverName: config.serviceName,
        trustAnchors: config.trustAnchors)
} catch {
    fail("cannot reach the identity service: \(error)")
}
let certifier = Certifier(
    identity: config.identity, credentials: credentials, client: client, logger: logger,
    token: Certifier.tokenFile(config.tokenFile))
var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: client), .init(service: certifier)]

switch args.first {
case nil:
    break
case "mesh-echo-server":
    guard let (host, port) = splitHostPort(args.count > 1 ? args[1] : "127.0.0.1:4143") else {
        fail("mesh-echo-server: expected HOST:PORT")
    }
    let server = MeshEchoServer(host: host, port: port, tls: tls, logger: logger) { bound in
        print("listening \(host):\(bound) as \(config.identity.dnsName)")
        fflush(nil)
    }
    services.append(.init(service: server))
case "mesh-echo-client":
    guard args.count == 4, let (host, port) = splitHostPort(args[1]) else {
        fail("usage: tern-proxy mesh-echo-client HOST:PORT EXPECTED-IDENTITY MESSAGE")
    }
    let expected: MeshIdentity
    do { expected = try MeshIdentity(dnsName: args[2]) } catch { fail(error.description) }
    // One exchange, then the whole process shuts down: the dial finishing is success.
    let dial = MeshEchoDial(host: host, port: port, expected: expected, message: args[3], tls: tls)
    services.append(.init(service: dial, successTerminationBehavior: .gracefullyShutdownGroup))
default:
    fail("unknown mode \(args[0]); expected mesh-echo-server or mesh-echo-client")
}

let group = ServiceGroup(
    configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
do {
    try await group.run()
} catch {
    fail("\(error)")
}
