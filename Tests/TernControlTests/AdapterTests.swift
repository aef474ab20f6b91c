import Foundation
import SwiftProtobuf
import Testing
import TernAPI
import TernCore
import TernPolicy

/// Domain values survive the wire: domain → message → bytes → message → domain is identity,
/// and malformed messages are refused with a reason instead of trapping.
@Suite("Proto adapters")
struct AdapterTests {
    func wire<M: SwiftProtobuf.Message>(_ m: M) throws -> M { try M(serializedBytes: try m.serializedBytes() as [UInt8]) }

    @Test func endpointUpdates() throws {
        let e = Endpoint(address: "fd00::5", port: 8080, weight: 7, identity: "a.b.serviceaccount.identity.tern.cluster.local",
                         protocolHint: .opaque, opaqueTransportPort: 4143, labels: ["pod": "p"])
        for update in [EndpointUpdate.add([e, Endpoint(address: "10.0.0.1", port: 80)], setLabels: ["service": "s"]),
                       .remove(["10.0.0.1:80", "[fd00::5]:8080"]), .noEndpoints(exists: true), .noEndpoints(exists: false)] {
            #expect(try wire(Tern_Destination_V1_Update(update)).domain() == update)
        }
    }

    @Test func inboundPolicy() throws {
        let policy = InboundPolicy(
            serverProtocol: .grpc,
            authorizations: [ClientAuthorization(networks: [.init(cidr: try CIDR(parsing: "10.0.0.0/8"), except: [try CIDR(parsing: "10.1.0.0/16")])],
                                                 authentication: .meshTLS([.any, .suffix("ns.serviceaccount.identity.tern.cluster.local"), .exact("x")]),
                                                 kind: "authorizationpolicy", name: "a"),
                             ClientAuthorization(networks: ClientAuthorization.allNetworks, authentication: .tlsUnauthenticated, kind: "serverauthorization", name: "b")],
            routes: [InboundRoute(name: "r", matches: [HTTPMatch(path: .regex("/x/.*"), headers: [.init(name: "h", value: .exact("v"))], method: "POST")],
                                  authorizations: [ClientAuthorization(networks: [], authentication: .unauthenticated, kind: "k", name: "n")])],
            rateLimit: RateLimit(totalPerSecond: 10, perIdentityPerSecond: nil, overrides: [.init(perSecond: 3, identities: [.exact("x")])]),
            serverKind: "server", serverName: "s", auditOnly: true)
        #expect(try wire(Tern_Policy_V1_InboundServer(policy)).domain() == policy)
    }

    @Test func outboundPolicy() throws {
        let route = OutboundRoute(
            kind: "HTTPRoute", namespace: "ns", name: "r",
            matches: [HTTPMatch(path: .exact("/a"), queryParams: [.init(name: "q", value: .regex("[0-9]+"))])],
            filters: [.requestHeaders(HeaderModifier(set: ["a": "1"], add: ["b": "2"], remove: ["c"])),
                      .redirect(scheme: "https", hostname: "h", path: .prefix("/p"), port: 8443, statusCode: 301),
                      .rewrite(hostname: nil, path: .full("/f")), .mirror(.address(host: "10.0.0.9", port: 80))],
            backends: [Backend(target: .service(name: "s", namespace: "ns", port: 80), weight: 3, filters: [.responseHeaders(HeaderModifier(remove: ["x"]))])],
            timeouts: RouteTimeouts(request: .seconds(5), backendRequest: .milliseconds(250)),
            retry: RetryPolicy(limit: 2, timeout: .milliseconds(300), statuses: [StatusRange(min: 502, max: 504)], grpcCodes: ["unavailable"],
                               budget: RetryBudget(ratio: 0.2, minPerSecond: 10, ttl: .seconds(10))),
            fault: TernPolicy.FaultInjection(delay: .seconds(5), delayPercent: 50, abortStatus: nil, abortGRPCStatus: 0, abortPercent: 10),
            failureStatuses: [StatusRange(min: 500, max: 599)])
        let policy = OutboundPolicy(appProtocol: .http2, routes: [route], failureAccrual: FailureAccrual(),
                                    parentNamespace: "ns", parentName: "s", parentPort: 80)
        #expect(try wire(Tern_Policy_V1_OutboundPolicy(policy)).domain() == policy)
        #expect(try wire(Tern_Policy_V1_OutboundPolicy(nil)).domain() == nil)
    }

    @Test func hostileMessagesAreRefused() throws {
        var addr = Tern_Destination_V1_WeightedAddr()
        addr.addr.ip = Data([1, 2, 3])
        addr.addr.port = 80
        #expect(throws: AdapterError.self) { try addr.domain() }
        addr.addr.ip = Data([10, 0, 0, 1])
        addr.addr.port = 70000
        #expect(throws: AdapterError.self) { try addr.domain() }

        var authz = Tern_Policy_V1_Authorization()
        authz.networks = [Tern_Policy_V1_Network.with { $0.cidr = "not-a-cidr" }]
        var server = Tern_Policy_V1_InboundServer()
        server.authorizations = [authz]
        #expect(throws: AdapterError.self) { try server.domain() }

        // An authorization that names no authentication admits nobody (fail closed).
        var empty = Tern_Policy_V1_InboundServer()
        empty.authorizations = [Tern_Policy_V1_Authorization()]
        #expect(try empty.domain().authorizations.first?.authentication == .meshTLS([]))

        // Truncated and random bytes never trap.
        let bytes = try Tern_Policy_V1_InboundServer(InboundPolicy(serverProtocol: .http1, authorizations: [], serverKind: "d", serverName: "deny")).serializedBytes() as [UInt8]
        for cut in 0..<bytes.count { _ = try? Tern_Policy_V1_InboundServer(serializedBytes: Array(bytes[..<cut])) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let junk = (0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if let m = try? Tern_Policy_V1_OutboundPolicy(serializedBytes: junk) { _ = try? m.domain() }
        }
    }
}
