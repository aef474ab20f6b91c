import TernCore
import Testing
@testable import TernLocal

@Suite struct ProxyInitConfigTests {
    static func error(_ config: ProxyInitConfig) -> ProxyInitConfigError? {
        do { try config.validate(); return nil } catch { return error }
    }

    @Test func defaultsAreValid() {
        #expect(Self.error(ProxyInitConfig()) == nil)
    }

    @Test func portsMustBeInRange() {
        #expect(Self.error(ProxyInitConfig(inboundPort: 0)) == .badPort(field: "inbound port", value: 0))
        #expect(Self.error(ProxyInitConfig(outboundPort: 65536)) == .badPort(field: "outbound port", value: 65536))
        #expect(Self.error(ProxyInitConfig(outboundSkipPorts: PortSet(ranges: [1...70000])))
            == .badPort(field: "outbound skip ports", value: 70000))
        #expect(Self.error(ProxyInitConfig(inboundPort: 4140)) == .samePorts(4140))
        #expect(ProxyInitConfigError.badPort(field: "inbound port", value: 0).description
            == "inbound port: 0 is not a port; expected 1-65535")
    }

    @Test func proxyIdentityIsRequiredAndInRange() {
        #expect(Self.error(ProxyInitConfig(proxyUID: nil)) == .noProxyIdentity)
        #expect(Self.error(ProxyInitConfig(proxyUID: nil, proxyGID: 2102)) == nil)
        #expect(Self.error(ProxyInitConfig(proxyUID: -1)) == .badID(field: "proxy UID", value: -1))
        #expect(Self.error(ProxyInitConfig(proxyGID: 4_294_967_295)) == .badID(field: "proxy GID", value: 4_294_967_295))
        #expect(Self.error(ProxyInitConfig(proxyUID: 0)) == nil)
    }

    @Test func redirectPortsWhenGivenMustNotBeEmpty() {
        #expect(Self.error(ProxyInitConfig(inboundRedirectPorts: PortSet(ports: []))) == .emptyRedirectPorts)
    }

    @Test func subnetsAreParsedAsCIDRsAndMustBeIPv4() throws {
        #expect(try ProxyInitConfig.parseSubnets(" 10.0.0.0/8, 192.168.1.7 ,").map(\.description) == ["10.0.0.0/8", "192.168.1.7/32"])
        #expect(throws: ProxyInitConfigError.badSubnet("10.0.0.0/33", .badPrefix("33"))) {
            try ProxyInitConfig.parseSubnets("10.0.0.0/33")
        }
        #expect(throws: ProxyInitConfigError.badSubnet("example.com", .badAddress("example.com"))) {
            try ProxyInitConfig.parseSubnets("example.com")
        }
        let v6 = ProxyInitConfig(outboundSkipSubnets: try ProxyInitConfig.parseSubnets("fd00::/8"))
        #expect(Self.error(v6) == .ipv6Subnet("fd00::/8"))
    }

    @Test func portListsAcceptRangesAndNameTheBadPart() throws {
        #expect(try ProxyInitConfig.parsePorts("4190, 5000-5010", field: "f").ranges == [4190...4190, 5000...5010])
        #expect(try ProxyInitConfig.parsePorts("", field: "f").isEmpty)
        let error = #expect(throws: ProxyInitConfigError.self) {
            try ProxyInitConfig.parsePorts("25,smtp", field: "--outbound-skip-ports")
        }
        #expect(error?.description == "--outbound-skip-ports: \"smtp\" is not a port or a port range such as 4000-4100")
    }

    @Test func namespaceNamesAreChecked() {
        #expect(throws: ProxyInitError.badNamespace("a/b")) { try ProxyInitExecutor(networkNamespace: "a/b") }
        #expect(throws: ProxyInitError.badNamespace("")) { try ProxyInitExecutor(networkNamespace: "") }
    }
}
