import Testing
import TernCore
@testable import TernPolicy

@Suite("Endpoint sets")
struct EndpointSetTests {
    let a = Endpoint(address: "10.0.0.1", port: 80, identity: "web.faces.serviceaccount.identity.tern.cluster.local", protocolHint: .http2)
    let b = Endpoint(address: "10.0.0.2", port: 80)

    @Test func firstUpdateSendsEverything() {
        #expect(EndpointSet(exists: true, endpoints: [b, a]).updates(from: nil) == [.add([a, b], setLabels: [:])])
        #expect(EndpointSet(exists: true).updates(from: nil) == [.noEndpoints(exists: true)])
        #expect(EndpointSet.unknown.updates(from: nil) == [.noEndpoints(exists: false)])
    }

    @Test func unchangedSendsNothing() {
        let set = EndpointSet(exists: true, endpoints: [a, b])
        #expect(set.updates(from: EndpointSet(exists: true, endpoints: [b, a])).isEmpty)
    }

    @Test func diffsAddRemoveAndChange() {
        var changedA = a
        changedA.weight = 5
        let old = EndpointSet(exists: true, endpoints: [a, b])
        let new = EndpointSet(exists: true, endpoints: [changedA])
        let updates = new.updates(from: old)
        #expect(updates == [.remove(["10.0.0.2:80"]), .add([changedA], setLabels: [:])])
        var view = old
        for u in updates { view.apply(u) }
        #expect(view == new)
    }

    @Test func ipv6SocketAddress() {
        #expect(Endpoint(address: "fd00::1", port: 8080).socketAddress == "[fd00::1]:8080")
    }
}

@Suite("Matching")
struct MatchingTests {
    @Test func identityPatterns() {
        #expect(IdentityMatch(pattern: "*").matches("anything"))
        let ns = IdentityMatch(pattern: "*.faces.serviceaccount.identity.tern.cluster.local")
        #expect(ns.matches("web.faces.serviceaccount.identity.tern.cluster.local"))
        #expect(!ns.matches("web.other.serviceaccount.identity.tern.cluster.local"))
        #expect(!ns.matches("faces.serviceaccount.identity.tern.cluster.local"))
        #expect(IdentityMatch(pattern: "a.b").matches("a.b"))
        #expect(!IdentityMatch(pattern: "a.b").matches("x.a.b"))
    }

    @Test func networksWithExceptions() throws {
        let net = ClientAuthorization.Network(cidr: try CIDR(parsing: "10.0.0.0/8"), except: [try CIDR(parsing: "10.1.0.0/16")])
        #expect(net.contains(IPAddress(parsing: "10.2.3.4")!))
        #expect(!net.contains(IPAddress(parsing: "10.1.3.4")!))
    }

    @Test func httpMatches() {
        let m = HTTPMatch(path: .prefix("/api"), headers: [.init(name: "X-User", value: .exact("jason"))], method: "GET")
        #expect(m.matches(method: "GET", path: "/api/users?x=1", headers: [("x-user", "jason")]))
        #expect(!m.matches(method: "GET", path: "/apix", headers: [("x-user", "jason")]))
        #expect(!m.matches(method: "POST", path: "/api", headers: [("x-user", "jason")]))
        #expect(!m.matches(method: "GET", path: "/api", headers: []))
        #expect(HTTPMatch(path: .regex("/users/[0-9]+")).matches(method: "GET", path: "/users/42", headers: []))
        #expect(!HTTPMatch(path: .regex("/users/[0-9]+")).matches(method: "GET", path: "/users/42/x", headers: []))
        #expect(HTTPMatch(path: .prefix("/")).matches(method: "GET", path: "/anything", headers: []))
    }

    @Test func precedence() {
        #expect(HTTPMatch(path: .exact("/a")).outranks(HTTPMatch(path: .prefix("/a/b/c"))))
        #expect(HTTPMatch(path: .prefix("/a/b")).outranks(HTTPMatch(path: .prefix("/a"))))
        #expect(HTTPMatch(path: .prefix("/a"), method: "GET").outranks(HTTPMatch(path: .prefix("/a"))))
    }

    @Test func defaultPolicyNames() {
        #expect(DefaultPolicy(rawValue: "cluster-authenticated") == .clusterAuthenticated)
        #expect(DefaultPolicy.allCases.count == 6)
    }
}
