import Crypto
import SwiftASN1
import TernCore
import X509

/// Building and checking the certificate signing requests proxies send to Certify.
public enum IdentityCSR {
    /// A DER CSR for `identity`, signed by `key`: CN and DNS SAN carry the identity name, the URI
    /// SAN its SPIFFE form, and nothing else is requested.
    public static func make(for identity: MeshIdentity, key: P256.Signing.PrivateKey) throws -> [UInt8] {
        let subject = try DistinguishedName { CommonName(identity.dnsName) }
        let extensions = try Certificate.Extensions { identity.subjectAlternativeNames }
        let csr = try CertificateSigningRequest(
            version: .v1,
            subject: subject,
            privateKey: .init(key),
            attributes: CertificateSigningRequest.Attributes([
                .init(ExtensionRequest(extensions: extensions))
            ]),
            signatureAlgorithm: .ecdsaWithSHA256
        )
        var serializer = DER.Serializer()
        try serializer.serialize(csr)
        return serializer.serializedBytes
    }

    /// Parses `der` and checks that its key signed it and that every name it asks for is a
    /// spelling of `identity`. Returns the key to certify.
    public static func check(_ der: [UInt8], for identity: MeshIdentity) throws(CSRRejection) -> Certificate.PublicKey {
        guard !der.isEmpty else { throw .malformed("the CSR is empty") }
        let csr: CertificateSigningRequest
        do {
            csr = try CertificateSigningRequest(derEncoded: der)
        } catch {
            throw .malformed("the CSR is not a DER-encoded PKCS#10 request")
        }
        guard csr.publicKey.isValidSignature(csr.signature, for: csr) else {
            throw .badSignature
        }
        let allowed: Set<String> = [identity.dnsName, identity.spiffeID]
        for rdn in csr.subject {
            for attribute in rdn {
                guard attribute.type == .RDNAttributeType.commonName else {
                    throw .foreignName("a subject attribute other than CN")
                }
                let value = String(describing: attribute.value)
                guard allowed.contains(value) else { throw .foreignName("CN \(value)") }
            }
        }
        let requested: Certificate.Extensions
        do {
            requested = try csr.attributes.extensionRequest?.extensions ?? Certificate.Extensions()
        } catch {
            throw .malformed("the CSR's extension request cannot be parsed")
        }
        for ext in requested where ext.oid != .X509ExtensionID.subjectAlternativeName {
            // The issuer decides key usage, CA status and lifetime; a request for any of them is
            // a request for more than an identity.
            throw .foreignName("extension \(ext.oid)")
        }
        if let sans = try? requested.subjectAlternativeNames {
            for name in sans {
                switch name {
                case .dnsName(let dns) where allowed.contains(dns): continue
                case .uniformResourceIdentifier(let uri) where allowed.contains(uri): continue
                case .dnsName(let dns): throw .foreignName("DNS name \(dns)")
                case .uniformResourceIdentifier(let uri): throw .foreignName("URI \(uri)")
                default: throw .foreignName("SAN \(name)")
                }
            }
        }
        return csr.publicKey
    }
}

/// Why a CSR is refused. Reasons carry only names from the request, which are public.
public enum CSRRejection: Error, Hashable, Sendable, CustomStringConvertible {
    case malformed(String)
    case badSignature
    case foreignName(String)

    public var description: String {
        switch self {
        case .malformed(let why): return why
        case .badSignature: return "the CSR is not signed by the key it carries"
        case .foreignName(let name): return "the CSR asks for \(name), which is not the caller's identity"
        }
    }
}
