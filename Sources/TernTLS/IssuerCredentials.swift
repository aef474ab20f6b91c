import Crypto
import FoundationEssentials
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509

/// The CA that signs workload leaves: the issuer certificate and key, plus any further
/// intermediates between the issuer and the trust anchor (bring-your-own hierarchies can be
/// deeper than Tern's two levels). Immutable; rotation swaps a whole value.
public struct IssuerCredentials: Sendable {
    public let certificate: Certificate
    public let privateKey: Certificate.PrivateKey
    /// Certificates above the issuer, below the anchor, nearest first. Usually empty.
    public let chainAboveIssuer: [Certificate]

    public init(
        certificate: Certificate,
        privateKey: Certificate.PrivateKey,
        chainAboveIssuer: [Certificate] = []
    ) throws(PKIError) {
        guard privateKey.publicKey == certificate.publicKey else {
            throw .invalid("the issuer private key does not match the issuer certificate")
        }
        guard let constraints = try? certificate.extensions.basicConstraints,
            case .isCertificateAuthority = constraints
        else {
            throw .invalid("the issuer certificate is not a CA (basicConstraints CA:TRUE is required)")
        }
        self.certificate = certificate
        self.privateKey = privateKey
        self.chainAboveIssuer = chainAboveIssuer
    }

    /// Loads an issuer from PEM files: `certificatePath` holds the issuer first and optionally
    /// further intermediates after it, as `step` and cert-manager write them.
    public static func load(certificatePath: String, keyPath: String) throws(PKIError) -> IssuerCredentials {
        let certificates = try PEMFiles.certificates(atPath: certificatePath)
        let key = try PEMFiles.privateKey(atPath: keyPath)
        return try IssuerCredentials(
            certificate: certificates[0], privateKey: key, chainAboveIssuer: Array(certificates.dropFirst()))
    }

    /// The intermediates a leaf must present with itself, issuer first.
    public var intermediates: [Certificate] { [certificate] + chainAboveIssuer }

    /// Checks that the issuer chains to one of `anchors` at `now`, so a controller refuses to
    /// start with an issuer nobody would trust rather than handing out useless leaves.
    public func validate(against anchors: [Certificate], now: Date = Date()) async throws(PKIError) {
        var verifier = Verifier(rootCertificates: CertificateStore(anchors)) {
            RFC5280Policy(fixedExpiryValidationTime: now)
        }
        let result = await verifier.validate(
            leaf: certificate, intermediates: CertificateStore(chainAboveIssuer))
        if case .couldNotValidate(let failures) = result {
            let why = failures.first.map { "\($0.policyFailureReason)" } ?? "no path to any trust anchor"
            throw .invalid("the issuer certificate does not chain to the trust anchors: \(why)")
        }
    }
}
