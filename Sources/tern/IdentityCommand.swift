import ArgumentParser
import Foundation
import TernCore
import TernTLS
import X509

/// `tern identity`: create, inspect and use the mesh's identity material.
struct IdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity",
        abstract: "Create and inspect mesh identity material (trust anchor, issuer, certificates, local tokens).",
        subcommands: [IdentityInitCommand.self, IdentityInspectCommand.self, IdentityTokenCommand.self]
    )
}

/// `tern identity init`: a trust anchor and an issuer for a quick start, or just a new issuer
/// under an existing (bring-your-own) anchor — which is also how the issuer is rotated.
struct IdentityInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a trust anchor, an issuer and a local-token key (PEM; keys mode 0600).",
        discussion: """
            Writes ca.crt, ca.key, issuer.crt, issuer.key and local-token.key into --out. With \
            --anchor-cert/--anchor-key the existing anchor is kept and only a new issuer (and a \
            token key, if none exists) is written: use this to rotate the issuer, or to put Tern \
            under a trust anchor you manage. Keep ca.key offline in production.
            """
    )

    @Option(help: "Trust domain of the mesh.")
    var trustDomain = "cluster.local"

    @Option(help: "Directory to write into (created if missing).")
    var out: String

    @Option(help: "Lifetime of a newly created trust anchor (Go duration).")
    var anchorValidity = "8760h"

    @Option(help: "Lifetime of the issuer (Go duration).")
    var issuerValidity = "48h"

    @Option(help: "Existing trust anchor certificate (PEM) to sign the issuer with.")
    var anchorCert: String?

    @Option(help: "Private key of --anchor-cert (PEM).")
    var anchorKey: String?

    @Flag(help: "Replace files that already exist.")
    var force = false

    func validate() throws {
        if (anchorCert == nil) != (anchorKey == nil) {
            throw ValidationError("--anchor-cert and --anchor-key go together")
        }
        _ = try duration(anchorValidity, "--anchor-validity")
        _ = try duration(issuerValidity, "--issuer-validity")
    }

    func run() async throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let anchor: Certificate
        let anchorSigningKey: Certificate.PrivateKey
        if let anchorCert, let anchorKey {
            // The file may be a bundle (old + new anchor during rotation): sign with the
            // anchor the key belongs to, and keep the whole bundle as the trust anchors.
            let bundle = try PEMFiles.certificates(atPath: anchorCert)
            anchorSigningKey = try PEMFiles.privateKey(atPath: anchorKey)
            guard let signing = bundle.first(where: { $0.publicKey == anchorSigningKey.publicKey }) else {
                throw IdentityCLIError("--anchor-key belongs to no certificate in --anchor-cert")
            }
            anchor = signing
            if anchorCert != path(IdentityFilesLayout.anchors) {
                try write(PEMFiles.pem(bundle), IdentityFilesLayout.anchors, mode: 0o644)
            }
        } else {
            let generated = try PKIGenerator.makeTrustAnchor(
                trustDomain: trustDomain, validity: try duration(anchorValidity, "--anchor-validity"))
            anchor = generated.certificate
            anchorSigningKey = .init(generated.privateKey)
            try write(PEMFiles.pem([anchor]), IdentityFilesLayout.anchors, mode: 0o644)
            try write(generated.privateKey.pemRepresentation + "\n", IdentityFilesLayout.anchorKey, mode: 0o600)
        }
        let issuer = try PKIGenerator.makeIssuer(
            trustDomain: trustDomain, signedBy: anchor, anchorKey: anchorSigningKey,
            validity: try duration(issuerValidity, "--issuer-validity"))
        try write(PEMFiles.pem([issuer.certificate]), IdentityFilesLayout.issuerCert, mode: 0o644, replace: true)
        try write(issuer.privateKey.pemRepresentation + "\n", IdentityFilesLayout.issuerKey, mode: 0o600, replace: true)
        if !FileManager.default.fileExists(atPath: path(IdentityFilesLayout.tokenKey)) || force {
            try write(LocalTokenKey.generate().fileText, IdentityFilesLayout.tokenKey, mode: 0o600)
        }
        print("trust domain \(trustDomain)")
        print("trust anchor \(path(IdentityFilesLayout.anchors)) (valid until \(anchor.notValidAfter))")
        print("issuer       \(path(IdentityFilesLayout.issuerCert)) (valid until \(issuer.certificate.notValidAfter))")
    }

    private func path(_ name: String) -> String { "\(out)/\(name)" }

    /// Refuses to clobber an anchor by accident: a new anchor invalidates every certificate.
    /// The issuer is meant to be replaced (rotation), so it passes `replace: true`.
    private func write(_ text: String, _ name: String, mode: mode_t, replace: Bool = false) throws {
        let target = path(name)
        if !force, !replace, FileManager.default.fileExists(atPath: target) {
            throw IdentityCLIError("\(target) exists; pass --force to replace it")
        }
        try PEMFiles.write(text, toPath: target, mode: mode)
    }
}

/// A failure while doing the work (not a usage mistake), so no usage text follows it.
struct IdentityCLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// File names shared with the controller's `IdentityFiles` (Linkerd's names).
enum IdentityFilesLayout {
    static let anchors = "ca.crt"
    static let anchorKey = "ca.key"
    static let issuerCert = "issuer.crt"
    static let issuerKey = "issuer.key"
    static let tokenKey = "local-token.key"
}

func duration(_ text: String, _ flag: String) throws -> Duration {
    do {
        let parsed = try GoDuration(parsing: text)
        guard parsed.nanoseconds > 0 else { throw ValidationError("\(flag): must be positive") }
        return .nanoseconds(parsed.nanoseconds)
    } catch let error as GoDuration.ParseError {
        throw ValidationError("\(flag): \(error)")
    }
}
