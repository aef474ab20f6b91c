import FoundationEssentials
import Testing
import TernTLS

@Suite struct LocalTokenTests {
    @Test func mintedTokenVerifies() throws {
        let key = LocalTokenKey.generate().key
        let token = key.mint(namespace: "shop", serviceAccount: "api", expiry: Date().addingTimeInterval(60))
        let subject = try key.verify(Array(token.utf8))
        #expect(subject.namespace == "shop")
        #expect(subject.serviceAccount == "api")
    }

    @Test func tamperedExpiredAndForeignTokensFail() throws {
        let key = LocalTokenKey.generate().key
        let token = key.mint(namespace: "shop", serviceAccount: "api", expiry: Date().addingTimeInterval(60))
        let tampered = token.replacing(".api.", with: ".admin.")
        #expect(throws: LocalTokenRejection.badSignature) { try key.verify(Array(tampered.utf8)) }
        let expired = key.mint(namespace: "shop", serviceAccount: "api", expiry: Date().addingTimeInterval(-1))
        #expect(throws: LocalTokenRejection.expired) { try key.verify(Array(expired.utf8)) }
        #expect(throws: LocalTokenRejection.badSignature) { try LocalTokenKey.generate().key.verify(Array(token.utf8)) }
        #expect(throws: LocalTokenRejection.malformed) { try key.verify(Array("eyJhbGciOi.x.y".utf8)) }
    }
}
