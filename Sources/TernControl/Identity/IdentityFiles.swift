import FoundationEssentials
import TernTLS
import X509

/// Where the identity material lives. `tern identity init --out DIR` writes this layout, which
/// matches Linkerd's file names (ca.crt, issuer.crt, issuer.key) so `step`-made hierarchies
/// can be dropped in unchanged; each path can also be given on its own.
public struct IdentityFiles: Sendable {
    public var trustAnchors: String
    public var issuerCertificate: String
    public var issuerKey: String
    public var localTokenKey: String

    public static let anchorsName = "ca.crt"
    public static let anchorKeyName = "ca.key"
    public static let issuerCertificateName = "issuer.crt"
    public static let issuerKeyName = "issuer.key"
    public static let localTokenKeyName = "local-token.key"

    public init(directory: String) {
        self.trustAnchors = "\(directory)/\(Self.anchorsName)"
        self.issuerCertificate = "\(directory)/\(Self.issuerCertificateName)"
        self.issuerKey = "\(directory)/\(Self.issuerKeyName)"
        self.localTokenKey = "\(directory)/\(Self.localTokenKeyName)"
    }

    /// Loads and cross-checks everything Certify needs: refuses an issuer that does not chain
    /// to the anchors, or has expired, rather than issuing leaves nobody will accept.
    public func loadAuthority(config: CertifyAuthority.Config, now: Date = Date()) async throws -> CertifyAuthority {
        let anchors = try PEMFiles.certificates(atPath: trustAnchors)
        let issuer = try IssuerCredentials.load(certificatePath: issuerCertificate, keyPath: issuerKey)
        try await issuer.validate(against: anchors, now: now)
        let tokenKey = try LocalTokenKey.load(atPath: localTokenKey)
        return CertifyAuthority(config: config, issuer: issuer, tokens: LocalTokenVerifier(key: tokenKey))
    }
}
