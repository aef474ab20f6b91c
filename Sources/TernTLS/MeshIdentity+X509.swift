import SwiftASN1
import TernCore
import X509

/// The bridge between `MeshIdentity` and the names inside certificates and CSRs.
extension MeshIdentity {
    /// Both SAN spellings of this identity: the DNS name Linkerd peers check and the SPIFFE
    /// URI SPIFFE-aware peers check.
    public var subjectAlternativeNames: SubjectAlternativeNames {
        SubjectAlternativeNames([.dnsName(dnsName), .uniformResourceIdentifier(spiffeID)])
    }
}

extension Certificate {
    /// Every mesh identity this certificate names in a DNS SAN. A leaf normally has exactly one;
    /// the list form lets callers reject the odd certificate that names several.
    public var meshIdentities: [MeshIdentity] {
        guard let san = try? extensions.subjectAlternativeNames else { return [] }
        return san.compactMap { name in
            if case .dnsName(let dns) = name { return try? MeshIdentity(dnsName: dns) }
            return nil
        }
    }

    /// DNS and URI SANs as printable strings, in certificate order (for `tern identity inspect`).
    public var subjectAlternativeNameStrings: [String] {
        guard let san = try? extensions.subjectAlternativeNames else { return [] }
        return san.map { name in
            switch name {
            case .dnsName(let dns): return "DNS:\(dns)"
            case .uniformResourceIdentifier(let uri): return "URI:\(uri)"
            case .ipAddress(let ip): return "IP:\(Array(ip.bytes))"
            case .rfc822Name(let mail): return "email:\(mail)"
            default: return "\(name)"
            }
        }
    }
}
