import Logging
import ServiceLifecycle
import TernCore
import TernTLS

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `tern-proxy mesh-echo-server|mesh-echo-client`: diagnostics that prove mesh identity end to
/// end with nothing but the identity service (no listeners, no discovery), so they can run
/// beside a real proxy without competing for its ports.
public enum MeshEchoMode {
    public struct UsageError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func services(arguments: [String], identity config: ProxyIdentityConfig, logger: Logger) throws
        -> [ServiceGroupConfiguration.ServiceConfiguration]
    {
        let credentials = MeshCredentials(trustAnchors: config.trustAnchors)
        let tls = MeshTLS(credentials: credentials)
        let client = try GRPCCertifyClient(
            host: config.serviceHost, port: config.servicePort, serverName: config.serviceName,
            trustAnchors: config.trustAnchors)
        let certifier = Certifier(
            identity: config.identity, credentials: credentials, client: client, logger: logger,
            token: Certifier.tokenFile(config.tokenFile))
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: client), .init(service: certifier)]
        if arguments.first == "mesh-echo-server" {
            guard let (host, port) = splitHostPort(arguments.count > 1 ? arguments[1] : "127.0.0.1:4143") else {
                throw UsageError(description: "mesh-echo-server: expected HOST:PORT")
            }
            let server = MeshEchoServer(host: host, port: port, tls: tls, logger: logger) { bound in
                print("listening \(host):\(bound) as \(config.identity.dnsName)")
                fflush(nil)
            }
            services.append(.init(service: server))
        } else {
            guard arguments.count == 4, let (host, port) = splitHostPort(arguments[1]) else {
                throw UsageError(description: "usage: tern-proxy mesh-echo-client HOST:PORT EXPECTED-IDENTITY MESSAGE")
            }
            let expected = try MeshIdentity(dnsName: arguments[2])
            // One exchange, then the whole process shuts down: the dial finishing is success.
            let dial = MeshEchoDial(host: host, port: port, expected: expected, message: arguments[3], tls: tls)
            services.append(.init(service: dial, successTerminationBehavior: .gracefullyShutdownGroup))
        }
        return services
    }

    private static func splitHostPort(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { return nil }
        return (String(text[..<colon]), port)
    }
}
