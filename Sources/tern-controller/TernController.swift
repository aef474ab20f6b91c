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
        let identity = IdentityServer(
            service: IdentityService(authority: authority), host: identityHost, port: identityPort,
            logger: logger, onListening: { port in
                // Tests and scripts started with port 0 read the real port from here.
                print("identity listening \(identityHost):\(port)")
                fflush(nil)
            })
        let group = ServiceGroup(
            configuration: .init(services: [identity], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
