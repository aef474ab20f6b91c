import FoundationEssentials
import SwiftASN1
import TernCore
@_spi(FixedExpiryValidationTime) import X509

/// Decides whether a peer's presented chain proves a mesh identity. This replaces BoringSSL's
/// chain checks (NIOSSL's custom callback disables them), so it checks everything itself:
/// validity window, path to an anchor in the bundle, and the identity SAN.
public struct PeerVerifier: Sendable {
    public let trustAnchors: [Certificate]

    public init(trustAnchors: [Certificate]) {
        self.trustAnchors = trustAnchors
    }

    public struct Verified: Sendable {
        public let identity: MeshIdentity
        /// Leaf first, anchor last.
        public let chain: [Certificate]
    }

    /// - Parameter presented: the peer's certificates as sent, leaf first.
    /// - Parameter expected: the identity the destination says this endpoint has (client side);
    ///   nil on the server side, where any identity from the trust domain may connect and
    ///   authorization decides later.
    public func verify(
        presented: [Certificate],
        expected: MeshIdentity?,
        now: Date = Date()
    ) async throws(HandshakeRejection) -> Verified {
        guard let leaf = presented.first else { throw .noPeerCertificate }
        // Checked before path building so the reason says which way the window is missed.
        if now > leaf.notValidAfter { throw .expired(notAfter: "\(leaf.notValidAfter)") }
        if now < leaf.notValidBefore { throw .notYetValid(notBefore: "\(leaf.notValidBefore)") }

        var verifier = Verifier(rootCertificates: CertificateStore(trustAnchors)) {
            RFC5280Policy(fixedExpiryValidationTime: now)
            MeshSANPolicy()
        }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(presented.dropFirst()))
        let chain: [Certificate]
        switch result {
        case .validCertificate(let validated):
            chain = Array(validated)
        case .couldNotValidate(let failures):
            // No failures at all means no candidate path reached an anchor.
            let why = failures.first.map { "\($0.policyFailureReason)" } ?? "no path to any trust anchor"
            throw .untrusted(why)
        }

        let identities = leaf.meshIdentities
        guard let identity = identities.first else { throw .noMeshIdentity }
        if let expected {
            guard identities == [expected] else { throw .identityMismatch(expected: expected, presented: identities) }
        } else if identities.count > 1 {
            // A leaf naming two workloads would let one connection claim either; refuse it.
            throw .identityMismatch(expected: identity, presented: identities)
        }
        return Verified(identity: identity, chain: chain)
    }
}

/// Declares the SAN extension handled: SPIFFE leaves may mark it critical (empty subject), and
/// RFC5280Policy alone rejects any unhandled critical extension. The identity itself is checked
/// by `PeerVerifier` after path building, where it can give a precise reason.
struct MeshSANPolicy: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.subjectAlternativeName]

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        .meetsPolicy
    }
}

extension PeerVerifier {
    /// Whether `presented` (leaf first) chains to the anchors at `now`, for any kind of
    /// certificate (leaf or issuer). Nil when it does; otherwise the reason it does not.
    public func chainProblem(_ presented: [Certificate], now: Date = Date()) async -> String? {
        guard let leaf = presented.first else { return "no certificate" }
        var verifier = Verifier(rootCertificates: CertificateStore(trustAnchors)) {
            RFC5280Policy(fixedExpiryValidationTime: now)
            MeshSANPolicy()
        }
        switch await verifier.validate(leaf: leaf, intermediates: CertificateStore(presented.dropFirst())) {
        case .validCertificate:
            return nil
        case .couldNotValidate(let failures):
            return failures.first.map { "\($0.policyFailureReason)" } ?? "no path to any trust anchor"
        }
    }
}
