import Testing
import TernCore

@Suite("Durations")
struct GoDurationTests {
    @Test(arguments: [("5s", 5_000_000_000), ("100ms", 100_000_000), ("1m30s", 90_000_000_000), ("1.5h", 5_400_000_000_000),
                      ("250us", 250_000), ("10ns", 10), ("0", 0), ("2h45m", 9_900_000_000_000), ("0.5s", 500_000_000)] as [(String, Int64)])
    func parses(text: String, nanoseconds: Int64) throws {
        #expect(try GoDuration(parsing: text).nanoseconds == nanoseconds)
    }

    @Test(arguments: ["", "5", "five", "5 s", "-1s", "1x", "s", "1..5s", ".s", "10d"])
    func rejects(text: String) {
        #expect(throws: GoDuration.ParseError.self) { try GoDuration(parsing: text) }
    }

    @Test func printsCanonically() throws {
        #expect(GoDuration.seconds(90).description == "1m30s")
        #expect(GoDuration.milliseconds(100).description == "100ms")
        #expect(GoDuration.seconds(3600).description == "1h0m0s")
        #expect(GoDuration(nanoseconds: 0).description == "0s")
        #expect(try GoDuration(parsing: GoDuration.seconds(5).description) == .seconds(5))
    }
}

@Suite("Addresses and networks")
struct AddressTests {
    @Test func ipv4() {
        #expect(IPAddress(parsing: "10.1.2.3")?.bytes == [10, 1, 2, 3])
        for bad in ["10.1.2", "10.1.2.256", "01.1.2.3", "a.b.c.d", "", "1.2.3.4.5"] {
            #expect(IPAddress(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func ipv6() {
        #expect(IPAddress(parsing: "::1")?.description == "::1")
        #expect(IPAddress(parsing: "fd00::10:2")?.description == "fd00::10:2")
        #expect(IPAddress(parsing: "::ffff:10.0.0.1")?.bytes.suffix(4) == [10, 0, 0, 1])
        #expect(IPAddress(parsing: "2001:db8::1::2") == nil)
        #expect(IPAddress(parsing: "1:2:3:4:5:6:7:8:9") == nil)
        #expect(IPAddress(parsing: "gggg::1") == nil)
    }

    @Test func cidrs() throws {
        let net = try CIDR(parsing: "10.0.0.0/8")
        #expect(net.contains(IPAddress(parsing: "10.200.1.1")!))
        #expect(!net.contains(IPAddress(parsing: "11.0.0.1")!))
        #expect(try CIDR(parsing: "10.1.2.3/8").description == "10.0.0.0/8")
        #expect(try CIDR(parsing: "192.168.1.7").prefixLength == 32)
        #expect(try CIDR(parsing: "fd00::/8").contains(IPAddress(parsing: "fd12::1")!))
        for bad in ["10.0.0.0/33", "10.0.0.0/-1", "nope/8", "10.0.0.0/", "::/129"] {
            #expect(throws: CIDR.ParseError.self, "\(bad)") { try CIDR(parsing: bad) }
        }
    }
}

@Suite("Kubernetes names")
struct KubernetesNameTests {
    @Test func portNames() {
        for good in ["http", "grpc-web", "h2c", "a1"] { #expect(KubernetesNames.isValidPortName(good), "\(good)") }
        for bad in ["", "HTTP", "-http", "http-", "a--b", "1234", "sixteen-chars-xx"] { #expect(!KubernetesNames.isValidPortName(bad), "\(bad)") }
    }

    @Test func qualifiedNamesAndLabelValues() {
        #expect(KubernetesNames.isQualifiedName("linkerd.io/inject"))
        #expect(KubernetesNames.isQualifiedName("app"))
        #expect(!KubernetesNames.isQualifiedName("a/b/c"))
        #expect(!KubernetesNames.isQualifiedName("Bad_Prefix/x"))
        #expect(KubernetesNames.isLabelValue(""))
        #expect(!KubernetesNames.isLabelValue("-x"))
        #expect(KubernetesNames.isDNSSubdomain("my-app.my-app.svc.cluster.local"))
        #expect(!KubernetesNames.isDNSLabel("a.b"))
    }
}
