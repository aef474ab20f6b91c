import ArgumentParser
import Logging
import ServiceLifecycle
import TernControl
import TernCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// tern-controller: the control plane. Today it serves identity (Certify on :8080); the
/// destination and policy servers join the same ServiceGroup with the control-plane issue.
@main
struct TernController: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tern-controller",
        abstract: "Tern control plane: identity (and later destination, policy).",
        version: TernVersion.current)

    @Option(help: "Directory with ca.crt, issuer.crt, issuer.key and local-token.key (see `tern identity init`).")
    var identityDir: String

    @Option(help: "Trust-anchor bundle (PEM); defaults to IDENTITY-DIR/ca.crt.")
    var trustAnchors: String?

    @Option(help: "Issuer certificate (PEM, issuer first); defaults to IDENTITY-DIR/issuer.crt.")
    var issuerCert: String?

    @Option(help: "Issuer private key (PEM); defaults to IDENTITY-DIR/issuer.key.")
    var issuerKey: String?

    @Option(help: "Key verifying local-runtime tokens; defaults to IDENTITY-DIR/local-token.key.")
    var localTokenKey: String?

    @Option(help: "Trust domain identities belong to.")
    var trustDomain = "cluster.local"

    @Option(help: "Namespace the control plane runs in (part of every identity name).")
    var controlPlaneNamespace = MeshIdentity.defaultControlPlaneNamespace

    @Option(help: "Address the identity gRPC server binds.")
    var identityHost = "0.0.0.0"

    @Option(help: "Port of the identity gRPC server (0 = any free port).")
    var identityPort = 8080

    @Option(help: "Lifetime of issued leaf certificates, in seconds.")
    var leafLifetimeSeconds = 24 * 3600

    @Flag(help: "Serve identity without TLS (tokens travel in the clear: loopback testing only).")
    var identityPlaintext = false

    @OptionGroup(title: "Destination and policy")
    var controlPlane: ControlPlaneOptions

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "tern-controller")
        var files = IdentityFiles(directory: identityDir)
        if let trustAnchors { files.trustAnchors = trustAnchors }
        if let issuerCert { files.issuerCertificate = issuerCert }
        if let issuerKey { files.issuerKey = issuerKey }
        if let localTokenKey { files.localTokenKey = localTokenKey }
        let authority: CertifyAuthority
        do {
            authority = try await files.loadAuthority(config: .init(
                trustDomain: trustDomain, controlPlaneNamespace: controlPlaneNamespace,
                leafLifetime: .seconds(leafLifetimeSeconds)))
        } catch {
            throw ValidationError("identity: \(error)")
        }
        // The server proves itself with a leaf from the issuer it serves; proxies set
        // TERN_PROXY_IDENTITY_SVC_NAME to this name.
        let tls: IdentityServerTLS?
        do {
            tls = identityPlaintext ? nil : try IdentityServerTLS.selfIssued(
                by: authority.currentIssuer,
                as: IdentityServerTLS.serviceIdentity(controlPlaneNamespace: controlPlaneNamespace, trustDomain: trustDomain))
        } catch {
            throw ValidationError("identity: cannot issue the identity server's certificate: \(error)")
        }
        if let tls { logger.info("identity server TLS", metadata: ["name": "\(tls.identity)"]) }
        let identity = IdentityServer(
            service: IdentityService(authority: authority), host: identityHost, port: identityPort,
            tls: tls, logger: logger, onListening: { port in
                // Tests and scripts started with port 0 read the real port from here.
                print("identity listening \(identityHost):\(port)")
                fflush(nil)
            })
        // Destination and policy present their own identity, issued like the identity server's.
        let apiTLS: IdentityServerTLS
        do {
            apiTLS = try IdentityServerTLS.selfIssued(by: authority.currentIssuer, as: try MeshIdentity(
                serviceAccount: "tern-destination", namespace: controlPlaneNamespace,
                controlPlaneNamespace: controlPlaneNamespace, trustDomain: trustDomain))
        } catch {
            throw ValidationError("cannot issue the destination server's certificate: \(error)")
        }
        let plane = ControlPlane(
            config: try controlPlane.config(trustDomain: trustDomain, controlPlaneNamespace: controlPlaneNamespace, tls: apiTLS),
            logger: logger)
        let services: [any Service] = (controlPlane.servers.contains("identity") ? [identity] : []) + plane.services
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
