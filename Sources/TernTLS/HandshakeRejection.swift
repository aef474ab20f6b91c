import TernCore

/// Why a mesh TLS handshake was refused. `label` is the stable metrics label; `description`
/// is for logs and errors and names only public things (identities, certificate subjects).
public enum HandshakeRejection: Error, Hashable, Sendable, CustomStringConvertible {
    case noPeerCertificate
    case malformedCertificate
    case expired(notAfter: String)
    case notYetValid(notBefore: String)
    case untrusted(String)
    case noMeshIdentity
    case identityMismatch(expected: MeshIdentity, presented: [MeshIdentity])
    case peerRejected(String)
    case handshakeFailed(String)

    public var label: String {
        switch self {
        case .noPeerCertificate: return "no_peer_certificate"
        case .malformedCertificate: return "malformed_certificate"
        case .expired: return "expired"
        case .notYetValid: return "not_yet_valid"
        case .untrusted: return "untrusted"
        case .noMeshIdentity: return "no_identity"
        case .identityMismatch: return "identity_mismatch"
        case .peerRejected: return "peer_rejected"
        case .handshakeFailed: return "handshake_failed"
        }
    }

    public var description: String {
        switch self {
        case .noPeerCertificate: return "the peer presented no certificate"
        case .malformedCertificate: return "the peer's certificate cannot be parsed"
        case .expired(let notAfter): return "the peer's certificate expired at \(notAfter)"
        case .notYetValid(let notBefore): return "the peer's certificate is not valid before \(notBefore)"
        case .untrusted(let why): return "the peer's certificate does not chain to a trust anchor: \(why)"
        case .noMeshIdentity: return "the peer's certificate has no mesh identity SAN"
        case .identityMismatch(let expected, let presented):
            let names = presented.map(\.dnsName).joined(separator: ", ")
            return "the peer is \(names), expected \(expected.dnsName)"
        case .peerRejected(let why): return "the peer rejected our certificate: \(why)"
        case .handshakeFailed(let why): return "the TLS handshake failed: \(why)"
        }
    }
}
