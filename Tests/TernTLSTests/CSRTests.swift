import Crypto
import SwiftASN1
import Testing
import TernCore
import TernTLS
import X509

@Suite struct CSRTests {
    let web = try! MeshIdentity(serviceAccount: "web", namespace: "emojivoto", trustDomain: "cluster.local")
    let db = try! MeshIdentity(serviceAccount: "db", namespace: "emojivoto", trustDomain: "cluster.local")

    @Test func ownCSRPassesAndYieldsItsKey() throws {
        let key = P256.Signing.PrivateKey()
        let der = try IdentityCSR.make(for: web, key: key)
        #expect(try IdentityCSR.check(der, for: web) == Certificate.PublicKey(key.publicKey))
    }

    @Test func csrForAnotherIdentityIsRefused() throws {
        let der = try IdentityCSR.make(for: db, key: P256.Signing.PrivateKey())
        #expect(throws: CSRRejection.foreignName("CN \(db.dnsName)")) { try IdentityCSR.check(der, for: web) }
    }

    @Test func csrWithAnExtraNameIsRefused() throws {
        let key = P256.Signing.PrivateKey()
        let extensions = try Certificate.Extensions {
            SubjectAlternativeNames([.dnsName(web.dnsName), .dnsName("evil.example.com")])
        }
        let csr = try CertificateSigningRequest(
            version: .v1, subject: DistinguishedName(), privateKey: .init(key),
            attributes: .init([.init(ExtensionRequest(extensions: extensions))]), signatureAlgorithm: .ecdsaWithSHA256)
        var serializer = DER.Serializer()
        try serializer.serialize(csr)
        #expect(throws: CSRRejection.foreignName("DNS name evil.example.com")) {
            try IdentityCSR.check(serializer.serializedBytes, for: web)
        }
    }

    @Test func csrRequestingCAStatusIsRefused() throws {
        let key = P256.Signing.PrivateKey()
        let extensions = try Certificate.Extensions {
            web.subjectAlternativeNames
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
        }
        let csr = try CertificateSigningRequest(
            version: .v1, subject: DistinguishedName(), privateKey: .init(key),
            attributes: .init([.init(ExtensionRequest(extensions: extensions))]), signatureAlgorithm: .ecdsaWithSHA256)
        var serializer = DER.Serializer()
        try serializer.serialize(csr)
        #expect(throws: CSRRejection.self) { try IdentityCSR.check(serializer.serializedBytes, for: web) }
    }

    @Test func garbageAndEmptyCSRsAreMalformed() {
        #expect(throws: CSRRejection.malformed("the CSR is empty")) { try IdentityCSR.check([], for: web) }
        #expect(throws: CSRRejection.malformed("the CSR is not a DER-encoded PKCS#10 request")) {
            try IdentityCSR.check(Array("not a csr".utf8), for: web)
        }
    }

    @Test func csrNotSignedByItsKeyIsRefused() throws {
        // Same request body, signature from a different key: the CSR's key did not sign it.
        let good = try CertificateSigningRequest(derEncoded: try IdentityCSR.make(for: web, key: P256.Signing.PrivateKey()))
        let other = try CertificateSigningRequest(derEncoded: try IdentityCSR.make(for: web, key: P256.Signing.PrivateKey()))
        let forged = try CertificateSigningRequest(
            version: good.version, subject: good.subject, publicKey: good.publicKey, attributes: good.attributes,
            signatureAlgorithm: good.signatureAlgorithm, signature: other.signature)
        var serializer = DER.Serializer()
        try serializer.serialize(forged)
        #expect(throws: CSRRejection.badSignature) { try IdentityCSR.check(serializer.serializedBytes, for: web) }
    }
}
