import ArgumentParser
import Foundation
import TernCore
import TernTLS

/// `tern identity token`: mints a local-runtime token proving a service account, as the local
/// runtime does for each workload. The token is a bearer secret: written 0600 with --out.
struct IdentityTokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Mint a local-runtime service-account token for the identity service."
    )

    @Option(help: "Directory holding local-token.key (see `tern identity init`).")
    var identityDir: String

    @Option(help: "Namespace of the service account.")
    var namespace: String

    @Option(help: "Service account name.")
    var serviceAccount: String

    @Option(help: "How long the token is valid (Go duration).")
    var ttl = "24h"

    @Option(help: "Write the token to this file (mode 0600) instead of standard output.")
    var out: String?

    func run() throws {
        // Validates both names the same way Certify will.
        _ = try MeshIdentity(serviceAccount: serviceAccount, namespace: namespace, trustDomain: "cluster.local")
        let key = try LocalTokenKey.load(atPath: "\(identityDir)/\(IdentityFilesLayout.tokenKey)")
        let lifetime = try duration(ttl, "--ttl")
        let token = key.mint(
            namespace: namespace, serviceAccount: serviceAccount,
            expiry: Date().addingTimeInterval(lifetime.timeInterval))
        if let out {
            try PEMFiles.write(token + "\n", toPath: out, mode: 0o600)
        } else {
            print(token)
        }
    }
}
