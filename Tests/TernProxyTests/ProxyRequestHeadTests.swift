import Testing

@testable import TernProxy

/// The explicit-mode request head is parsed from raw client bytes, so it is where hostile or
/// broken input first meets the proxy: every case here is something a client can send.
@Suite struct ProxyRequestHeadTests {
    private func parse(_ text: String, limit: Int = 8192) -> ProxyRequestHead {
        parse(Array(text.utf8), limit: limit)
    }

    private func parse(_ bytes: [UInt8], limit: Int = 8192) -> ProxyRequestHead {
        bytes.withUnsafeBytes { ProxyRequestHead.parse($0, limit: limit) }
    }

    private func isInvalid(_ result: ProxyRequestHead) -> Bool {
        if case .invalid = result { return true }
        return false
    }

    /// The forwarded head as text, or nil when the result is not a forward.
    private func forwardedHead(_ result: ProxyRequestHead) -> String? {
        guard case .forward(_, _, let head, _) = result else { return nil }
        return String(decoding: head, as: UTF8.self)
    }

    // MARK: CONNECT

    @Test func connectNamesHostAndPort() {
        let head = "CONNECT echo.test.svc.cluster.local:7000 HTTP/1.1\r\nhost: echo.test.svc.cluster.local:7000\r\n\r\n"
        #expect(parse(head) == .connect(host: "echo.test.svc.cluster.local", port: 7000, length: head.utf8.count))
    }

    @Test func connectToABracketedIPv6Address() {
        let head = "CONNECT [fd00::1]:8443 HTTP/1.1\r\n\r\n"
        #expect(parse(head) == .connect(host: "fd00::1", port: 8443, length: head.utf8.count))
    }

    @Test(arguments: ["example.com", "example.com:", "[::1]", "[::1]:", ":443", "[]:443"])
    func connectWithoutAUsableAuthorityIsInvalid(target: String) {
        #expect(isInvalid(parse("CONNECT \(target) HTTP/1.1\r\n\r\n")))
    }

    @Test func connectOverHTTP10IsAccepted() {
        let head = "CONNECT a.b:1 HTTP/1.0\r\n\r\n"
        #expect(parse(head) == .connect(host: "a.b", port: 1, length: head.utf8.count))
    }

    @Test func tunnelBytesAfterTheHeadAreNotPartOfIt() {
        // Tunnel data may itself look like a head; only the first blank line ends the request.
        let head = "CONNECT a.b:22 HTTP/1.1\r\nx: y\r\n\r\n"
        let result = parse(head + "SSH-2.0-OpenSSH\r\n\r\nGET / HTTP/1.1\r\n\r\n\u{0}\u{1}")
        #expect(result == .connect(host: "a.b", port: 22, length: head.utf8.count))
    }

    // MARK: Absolute form

    @Test func absoluteFormWithAPortIsForwardedInOriginForm() {
        let head = "GET http://web.ns:8080/a/b HTTP/1.1\r\nHost: web.ns:8080\r\n\r\n"
        #expect(parse(head) == .forward(host: "web.ns", port: 8080,
                                        head: Array("GET /a/b HTTP/1.1\r\nHost: web.ns:8080\r\nconnection: close\r\n\r\n".utf8),
                                        length: head.utf8.count))
    }

    @Test func absoluteFormWithoutAPortUses80() {
        guard case .forward(let host, let port, _, _) = parse("GET http://web.ns/ HTTP/1.1\r\n\r\n") else {
            Issue.record("not forwarded")
            return
        }
        #expect(host == "web.ns")
        #expect(port == 80)
    }

    @Test(arguments: [
        ("http://web/faces?x=1&y=%20", "/faces?x=1&y=%20"),
        ("http://web?x=1", "/?x=1"),
        ("http://web", "/"),
        ("http://web:81", "/"),
        ("HTTP://web/Case", "/Case"),
    ])
    func pathAndQueryBecomeTheOriginFormTarget(target: String, path: String) {
        #expect(forwardedHead(parse("GET \(target) HTTP/1.1\r\n\r\n")) == "GET \(path) HTTP/1.1\r\nconnection: close\r\n\r\n")
    }

    @Test func http10KeepsItsVersion() {
        #expect(forwardedHead(parse("GET http://web/x HTTP/1.0\r\n\r\n")) == "GET /x HTTP/1.0\r\nconnection: close\r\n\r\n")
    }

    @Test(arguments: ["https://web/", "HTTPS://web:443/x"])
    func httpsMustUseConnect(target: String) {
        #expect(parse("GET \(target) HTTP/1.1\r\n\r\n") == .invalid("https:// requests must use CONNECT"))
    }

    @Test(arguments: ["/", "/index.html", "*", "web:80", "ftp://web/", "http:/web/"])
    func originFormAndOtherTargetsAreInvalid(target: String) {
        #expect(isInvalid(parse("GET \(target) HTTP/1.1\r\n\r\n")))
    }

    @Test(arguments: ["HTTP/2.0", "HTTP/1.1 ", "http/1.1", "HTTP/1", ""])
    func onlyHTTP1VersionsAreAccepted(version: String) {
        #expect(isInvalid(parse("GET http://web/ \(version)\r\n\r\n")))
    }

    // MARK: Headers

    @Test func proxyOnlyHeadersAreStrippedAndEverythingElseKeptByteForByte() {
        // Odd spacing, case, duplicates, a header without a colon and non-UTF-8 bytes all
        // belong to the application and must reach the server exactly as sent.
        var request = Array("POST http://web/x HTTP/1.1\r\nHost: web\r\nProxy-Connection: keep-alive\r\n".utf8)
        let kept: [[UInt8]] = [
            Array("X-Proxy-Connection: a".utf8), Array("proxy-connection-id:  b ".utf8),
            Array("accept:*/*".utf8), Array("Accept:  text/html \t".utf8), Array("no colon here".utf8),
            Array("x-bin: ".utf8) + [0xff, 0xfe, 0x80],
        ]
        for line in kept { request += line + [13, 10] }
        request += Array("PROXY-AUTHORIZATION: Basic Zm9vOmJhcg==\r\nproxy-authorization:x\r\nProXy-CoNNection:close\r\n\r\n".utf8)
        var expected = Array("POST /x HTTP/1.1\r\nHost: web\r\n".utf8)
        for line in kept { expected += line + [13, 10] }
        expected += Array("connection: close\r\n\r\n".utf8)
        #expect(parse(request) == .forward(host: "web", port: 80, head: expected, length: request.count))
    }

    @Test func theForwardedRequestClosesItsConnectionUnlessItUpgrades() {
        // The connection is spliced to one upstream after the first request, so keep-alive
        // toward a different host would misroute; an upgrade owns the connection anyway.
        let plain = forwardedHead(parse("GET http://web/ HTTP/1.1\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nx: y\r\n\r\n"))
        #expect(plain == "GET / HTTP/1.1\r\nx: y\r\nconnection: close\r\n\r\n")
        let upgrade = forwardedHead(parse("GET http://web/ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"))
        #expect(upgrade == "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
    }

    @Test func proxyCredentialsNeverReachTheServer() {
        // RFC 9112 §5.1: whitespace before the colon must be rejected, or removed by a proxy.
        // Either is fine; forwarding the credentials under a near-miss name is not.
        let result = parse("GET http://web/ HTTP/1.1\r\nProxy-Authorization : Basic Zm9vOmJhcg==\r\n\r\n")
        if let head = forwardedHead(result) {
            #expect(!head.lowercased().contains("proxy-authorization"), "forwarded: \(head.debugDescription)")
        } else {
            #expect(isInvalid(result))
        }
    }

    @Test func aBodyAfterTheHeadIsLeftInPlace() {
        let head = "POST http://web/x HTTP/1.1\r\ncontent-length: 9\r\n\r\n"
        let result = parse(head + "a=1\r\n\r\nb=2")
        #expect(result == .forward(host: "web", port: 80, head: Array("POST /x HTTP/1.1\r\ncontent-length: 9\r\nconnection: close\r\n\r\n".utf8),
                                   length: head.utf8.count))
    }

    // MARK: Incomplete and oversized heads

    @Test(arguments: [
        "CONNECT echo.test.svc.cluster.local:7000 HTTP/1.1\r\nhost: echo\r\n\r\n",
        "GET http://web:8080/x?y=1 HTTP/1.0\r\nproxy-connection: keep-alive\r\naccept: */*\r\n\r\n",
    ])
    func everyTruncationNeedsMore(head: String) {
        let bytes = Array(head.utf8)
        #expect(parse(bytes) != .needMore)
        for count in 0..<bytes.count {
            #expect(parse(Array(bytes[..<count])) == .needMore, "after \(count) bytes")
        }
    }

    /// A complete CONNECT head of exactly `size` bytes, padded with one header.
    private func connectHead(size: Int) -> String {
        let start = "CONNECT a.b:1 HTTP/1.1\r\nx-pad: "
        return start + String(repeating: "p", count: size - start.utf8.count - 4) + "\r\n\r\n"
    }

    @Test func aHeadExactlyAtTheLimitIsAccepted() {
        for limit in [64, 8192] {
            let head = connectHead(size: limit)
            #expect(parse(head, limit: limit) == .connect(host: "a.b", port: 1, length: limit))
            #expect(parse(connectHead(size: limit + 1), limit: limit) == .tooLarge)
        }
    }

    @Test func aHeadOverTheLimitIsTooLarge() {
        let head = connectHead(size: 9000)
        #expect(parse(head) == .tooLarge)
        // Without its end, the head is too large as soon as the limit is reached, not before.
        let unfinished = Array(head.utf8.prefix(8192))
        #expect(parse(unfinished) == .tooLarge)
        #expect(parse(Array(unfinished.dropLast())) == .needMore)
    }

    // MARK: Junk

    @Test func binaryJunkIsNeverARequest() {
        var random = SplitMix64(seed: 0x7e54)
        for round in 0..<500 {
            let count = Int(random.next() % 300)
            let junk = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let result = parse(junk)
            #expect(result == .needMore || isInvalid(result), "round \(round)")
            #expect(isInvalid(parse(junk + [13, 10, 13, 10])), "round \(round)")
        }
        #expect(isInvalid(parse([0, 0, 0, 0, 13, 10, 13, 10])))
        #expect(parse([UInt8](repeating: 0xff, count: 8192)) == .tooLarge)
    }

    @Test(arguments: ["\r\n\r\n", " \r\n\r\n", "  \r\n\r\n", "\r\nhost: x\r\n\r\n"])
    func anEmptyRequestLineIsInvalid(head: String) {
        #expect(isInvalid(parse(head)))
    }

    @Test func invalidUTF8InTheTargetIsInvalid() {
        #expect(isInvalid(parse(Array("CONNECT a".utf8) + [0xc3, 0x28] + Array(".b:1 HTTP/1.1\r\n\r\n".utf8))))
    }

    // MARK: Injection through the target

    @Test(arguments: [
        "CONNECT a.b:1 x HTTP/1.1\r\n\r\n",
        "CONNECT a.b:1\r\nx-injected: 1 HTTP/1.1\r\n\r\n",
        "CONNECT a.b:1\nx-injected:1 HTTP/1.1\r\n\r\n",
        "CONNECT a\rx:1 HTTP/1.1\r\n\r\n",
        "GET http://web/a b HTTP/1.1\r\n\r\n",
        "GET http://web/a\r\nx-injected: 1 HTTP/1.1\r\n\r\n",
        "GET http://web/a\nx-injected:1 HTTP/1.1\r\n\r\n",
        "GET http://web\r/a HTTP/1.1\r\n\r\n",
        "GET  http://web/ HTTP/1.1\r\n\r\n",
    ])
    func spacesAndLineBreaksInTheTargetAreInvalid(head: String) {
        #expect(isInvalid(parse(head)), "\(head.debugDescription)")
    }

    @Test(arguments: ["\r", "\t", "\u{0}", "\u{7f}"])
    func controlCharactersInTheForwardedPathAreInvalid(control: String) {
        // The path is copied into the request line sent upstream; a bare CR there is read as
        // a line end by lenient servers, which turns the rest of the target into a header.
        let result = parse("GET http://web/a\(control)x-injected:1 HTTP/1.1\r\n\r\n")
        #expect(isInvalid(result), "forwarded \(forwardedHead(result)?.debugDescription ?? "\(result)")")
    }

    // MARK: splitAuthority

    private func split(_ text: String, defaultPort: Int? = nil) -> String? {
        ProxyRequestHead.splitAuthority(Substring(text), defaultPort: defaultPort).map { "\($0.0) \($0.1)" }
    }

    @Test func authoritiesThatSplit() {
        #expect(split("web:1") == "web 1")
        #expect(split("web:65535") == "web 65535")
        #expect(split("web:080") == "web 80")
        #expect(split("Web-1.ns_x.svc:443") == "Web-1.ns_x.svc 443")
        #expect(split("10.0.0.1:80") == "10.0.0.1 80")
        #expect(split("[::1]:443") == "::1 443")
        #expect(split("web", defaultPort: 80) == "web 80")
        #expect(split("[::1]", defaultPort: 80) == "::1 80")
    }

    @Test(arguments: [
        "web:0", "web:65536", "web:-1", "web:99999999999999999999", "web:", "web:http", "web:8 0",
        ":80", "[]:80", "[::1", "[::1]80", "[::1]:", "::1]:80", "web",
        "we b:80", "web/x:80", "user@web:80", "web%2f:80", "web\r:80", "[fe80::1%eth0]:80",
    ])
    func authoritiesThatDoNotSplit(text: String) {
        #expect(split(text) == nil, "\(text.debugDescription)")
    }

    @Test(arguments: ["web:+80", "exämple.com:80", "١٢٣.com:80", "web:٨٠"])
    func onlyASCIIHostsAndDigitPortsSplit(text: String) {
        // Host names on the wire are ASCII (IDNA), and a port is digits only.
        #expect(split(text) == nil, "\(text.debugDescription) split as \(split(text) ?? "")")
    }

    @Test func aMissingPortWithADefaultIsStillAnError() {
        // "web:" names an empty port; the default only applies when there is no colon at all.
        #expect(split("web:", defaultPort: 80) == nil)
    }
}

/// A tiny deterministic generator, so a failing junk case can be replayed exactly.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
