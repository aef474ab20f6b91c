import Testing
import TernCore

@Suite struct MeshIdentityTests {
    @Test func printsBothForms() throws {
        let id = try MeshIdentity(serviceAccount: "web", namespace: "emojivoto", trustDomain: "cluster.local")
        #expect(id.dnsName == "web.emojivoto.serviceaccount.identity.tern.cluster.local")
        #expect(id.spiffeID == "spiffe://cluster.local/ns/emojivoto/sa/web")
        #expect("\(id)" == id.dnsName)
    }

    @Test func roundTripsDNSForm() throws {
        let id = try MeshIdentity(
            serviceAccount: "default", namespace: "faces", controlPlaneNamespace: "linkerd", trustDomain: "prod.example.com")
        let parsed = try MeshIdentity(dnsName: id.dnsName)
        #expect(parsed == id)
        #expect(parsed.trustDomain == "prod.example.com")
        #expect(parsed.controlPlaneNamespace == "linkerd")
    }

    @Test func roundTripsSPIFFEForm() throws {
        let id = try MeshIdentity(serviceAccount: "api", namespace: "shop", trustDomain: "cluster.local")
        #expect(try MeshIdentity(spiffeID: id.spiffeID) == id)
    }

    @Test(arguments: [
        "web.emojivoto.serviceaccount.identity.tern",
        "web.emojivoto.serviceaccounts.identity.tern.cluster.local",
        "Web.emojivoto.serviceaccount.identity.tern.cluster.local",
        "web..serviceaccount.identity.tern.cluster.local",
        "web.emojivoto.serviceaccount.identity.tern.cluster..local",
        "",
    ])
    func rejectsMalformedDNSForms(_ name: String) {
        #expect(throws: MeshIdentityError.self) { try MeshIdentity(dnsName: name) }
    }

    @Test(arguments: [
        "spiffe://cluster.local/ns/emojivoto/sa",
        "spiffe://cluster.local/ns/emojivoto/sa/web/extra",
        "spiffe://cluster.local/namespace/emojivoto/sa/web",
        "https://cluster.local/ns/emojivoto/sa/web",
        "spiffe:///ns/emojivoto/sa/web",
    ])
    func rejectsMalformedSPIFFEIDs(_ uri: String) {
        #expect(throws: MeshIdentityError.self) { try MeshIdentity(spiffeID: uri) }
    }

    @Test func errorNamesTheBadPart() {
        #expect(throws: MeshIdentityError.invalidPart("namespace", "Bad_NS", "must be a DNS-1123 label")) {
            try MeshIdentity(serviceAccount: "web", namespace: "Bad_NS", trustDomain: "cluster.local")
        }
    }
}
