import Testing
import TernPolicy

@Suite("Outbound route selection")
struct RouteSelectorTests {
    static func route(_ name: String, _ matches: [HTTPMatch], kind: String = "HTTPRoute") -> OutboundRoute {
        OutboundRoute(kind: kind, namespace: "faces", name: name, matches: matches,
                      backends: [Backend(target: .service(name: name, namespace: "faces", port: 80))])
    }

    static func policy(_ routes: [OutboundRoute], appProtocol: OutboundPolicy.AppProtocol = .detect) -> OutboundPolicy {
        OutboundPolicy(appProtocol: appProtocol, routes: routes, parentNamespace: "faces", parentName: "color", parentPort: 80)
    }

    static func pick(_ policy: OutboundPolicy, _ path: String, method: String = "GET", headers: [(String, String)] = []) -> String? {
        RouteSelector.route(in: policy, method: method, path: path, headers: headers)?.name
    }

    @Test func gatewayPrecedenceDecidesNotListOrder() {
        let p = Self.policy([
            Self.route("catch-all", [HTTPMatch(path: .prefix("/"))]),
            Self.route("api", [HTTPMatch(path: .prefix("/api"))]),
            Self.route("api-v1", [HTTPMatch(path: .prefix("/api/v1"))]),
            Self.route("exact", [HTTPMatch(path: .exact("/api/v1/ping"))]),
            Self.route("post-api", [HTTPMatch(path: .prefix("/api"), method: "POST")]),
            Self.route("canary", [HTTPMatch(path: .prefix("/api"), headers: [.init(name: "X-Canary", value: .exact("1"))])]),
        ])
        #expect(Self.pick(p, "/") == "catch-all")
        #expect(Self.pick(p, "/apix") == "catch-all", "prefixes match whole path elements")
        #expect(Self.pick(p, "/api/x") == "api")
        #expect(Self.pick(p, "/api/v1/x") == "api-v1", "the longest prefix wins")
        #expect(Self.pick(p, "/api/v1/ping?x=1") == "exact", "exact beats any prefix; the query is not part of the path")
        #expect(Self.pick(p, "/api/x", method: "POST") == "post-api", "a method match beats an equal path")
        #expect(Self.pick(p, "/api/x", headers: [("x-canary", "1")]) == "canary", "header names ignore case")
        #expect(Self.pick(p, "/api/x", method: "POST", headers: [("x-canary", "1")]) == "post-api", "method outranks headers")
    }

    @Test func tiesGoToTheRouteListedFirst() {
        let p = Self.policy([Self.route("a", [HTTPMatch(path: .prefix("/x"))]), Self.route("b", [HTTPMatch(path: .prefix("/x"))])])
        #expect(Self.pick(p, "/x/1") == "a")
        let reversed = Self.policy([Self.route("b", [HTTPMatch(path: .prefix("/x"))]), Self.route("a", [HTTPMatch(path: .prefix("/x"))])])
        #expect(Self.pick(reversed, "/x/1") == "b")
    }

    @Test func bestMatchAcrossAllMatchesOfARoute() {
        let p = Self.policy([
            Self.route("wide", [HTTPMatch(path: .prefix("/a")), HTTPMatch(path: .exact("/b/c"))]),
            Self.route("narrow", [HTTPMatch(path: .prefix("/b"))]),
        ])
        #expect(Self.pick(p, "/b/c") == "wide", "the exact match of the first route outranks the prefix of the second")
        #expect(Self.pick(p, "/b/d") == "narrow")
    }

    @Test func queryParametersAreParsedFromTheTarget() {
        let p = Self.policy([
            Self.route("plain", [HTTPMatch(path: .prefix("/"))]),
            Self.route("debug", [HTTPMatch(path: .prefix("/"), queryParams: [.init(name: "debug", value: .exact("on now"))])]),
        ])
        #expect(Self.pick(p, "/x?debug=on%20now") == "debug")
        #expect(Self.pick(p, "/x?debug=on+now&y") == "debug")
        #expect(Self.pick(p, "/x?debug=off") == "plain")
        #expect(Self.pick(p, "/x") == "plain")
    }

    @Test func unmatchedRequestsGetNoRoute() {
        let p = Self.policy([Self.route("api", [HTTPMatch(path: .prefix("/api"), method: "GET")])])
        #expect(Self.pick(p, "/other") == nil, "caller answers 404")
        #expect(Self.pick(p, "/api", method: "DELETE") == nil)
    }

    @Test func opaqueOrRoutelessPoliciesUseTheDefaultBackend() throws {
        let split = OutboundRoute(kind: "default", namespace: "faces", name: "default",
                                  backends: [Backend(target: .service(name: "color", namespace: "faces", port: 80), weight: 1),
                                             Backend(target: .service(name: "color2", namespace: "faces", port: 80), weight: 1)])
        let opaque = Self.policy([Self.route("api", [HTTPMatch(path: .prefix("/api"))]), split], appProtocol: .opaque)
        #expect(RouteSelector.route(in: opaque, method: "GET", path: "/api", headers: []) == split,
                "HTTP routes do not apply to opaque traffic; the default route keeps its split")

        let bare = try #require(RouteSelector.route(in: Self.policy([]), method: "GET", path: "/", headers: []))
        #expect(bare.kind == "default")
        #expect(bare.backends == [Backend(target: .service(name: "color", namespace: "faces", port: 80))], "the parent Service")

        let opaqueRoutes = RouteSelector.defaultRoute(of: Self.policy([Self.route("api", [])], appProtocol: .opaque))
        #expect(opaqueRoutes.backends.map(\.target) == [.service(name: "color", namespace: "faces", port: 80)])
    }

    @Test func aRouteWithoutMatchesMatchesEverything() {
        let p = Self.policy([Self.route("all", []), Self.route("api", [HTTPMatch(path: .prefix("/api"))])])
        #expect(Self.pick(p, "/") == "all")
        #expect(Self.pick(p, "/api/x") == "api")
    }

    @Test func hostileInputsNeverCrash() {
        let p = Self.policy([
            Self.route("bad-regex", [HTTPMatch(path: .regex("(unclosed["))]),
            Self.route("regex", [HTTPMatch(path: .regex("/r/[0-9]+"), headers: [.init(name: "h", value: .regex("(a|b"))])]),
            Self.route("q", [HTTPMatch(path: .prefix("/q"), queryParams: [.init(name: "k", value: .exact(""))])]),
        ])
        let long = "/" + String(repeating: "a/", count: 50_000)
        let odd = ["", "?", "??", "/q?k", "/q?&&&=&k=%", "/q?k=%zz%4", "/r/123", "\u{0}/\u{FFFF}", long, "/q?" + String(repeating: "k=v&", count: 10_000)]
        for path in odd {
            _ = RouteSelector.route(in: p, method: "", path: path, headers: [("", ""), ("h", String(repeating: "a", count: 10_000))])
        }
        #expect(Self.pick(p, "/q?k") == "q", "a parameter without a value has an empty one")
        #expect(Self.pick(p, "/r/123") == nil, "an invalid header regex matches nothing")
        #expect(Self.pick(p, "(unclosed[") == nil, "an invalid path regex matches nothing")
    }
}
