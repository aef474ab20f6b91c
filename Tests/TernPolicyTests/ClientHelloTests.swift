import Testing
@testable import TernPolicy

// MARK: - Hand encoding

func bigEndian16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
func bigEndian24(_ value: Int) -> [UInt8] { [UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
func vector8(_ bytes: [UInt8]) -> [UInt8] { [UInt8(bytes.count)] + bytes }
func vector16(_ bytes: [UInt8]) -> [UInt8] { bigEndian16(bytes.count) + bytes }

/// Wraps a handshake stream in TLS records of at most `fragmentSize` bytes each.
func tlsRecords(_ payload: [UInt8], fragmentSize: Int = 16_384, contentType: UInt8 = 0x16, version: [UInt8] = [0x03, 0x01]) -> [UInt8] {
    var out: [UInt8] = []
    var start = 0
    while start < payload.count {
        let end = min(start + fragmentSize, payload.count)
        out += [contentType] + version + bigEndian16(end - start) + payload[start..<end]
        start = end
    }
    return out
}

func hexBytes(_ text: String) -> [UInt8] {
    let digits = text.filter(\.isHexDigit).map { UInt8(String($0), radix: 16)! }
    return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
}

/// Builds ClientHellos field by field (RFC 8446 §4.1.2); any length can be overridden to lie.
struct HelloBuilder {
    var legacyVersion = 0x0303
    var random = [UInt8](repeating: 0x5A, count: 32)
    var sessionID = [UInt8](0..<32)
    var cipherSuites: [UInt8] = [0x13, 0x01, 0x13, 0x02, 0xC0, 0x2F]
    var compressionMethods: [UInt8] = [0]
    /// Encoded extensions in order; nil for a hello that ends after its compression methods.
    var extensions: [[UInt8]]? = [HelloBuilder.serverName("web.faces.svc.cluster.local"), HelloBuilder.alpn(["h2", "http/1.1"])]
    var sessionIDLength: Int?
    var cipherSuitesLength: Int?
    var compressionLength: Int?
    var extensionsLength: Int?
    var handshakeType: UInt8 = 1
    var handshakeLength: Int?

    static func ext(_ type: Int, _ data: [UInt8]) -> [UInt8] { bigEndian16(type) + vector16(data) }
    static func serverName(_ host: String) -> [UInt8] { ext(0, vector16([0] + vector16(Array(host.utf8)))) }
    static func alpn(_ names: [String]) -> [UInt8] { ext(16, vector16(names.flatMap { vector8(Array($0.utf8)) })) }
    static func padding(_ count: Int) -> [UInt8] { ext(21, [UInt8](repeating: 0, count: count)) }
    static let supportedVersions = ext(43, vector8([0x03, 0x04, 0x03, 0x03]))

    var body: [UInt8] {
        var out = bigEndian16(legacyVersion) + random
        out += [UInt8(sessionIDLength ?? sessionID.count)] + sessionID
        out += bigEndian16(cipherSuitesLength ?? cipherSuites.count) + cipherSuites
        out += [UInt8(compressionLength ?? compressionMethods.count)] + compressionMethods
        if let extensions {
            let block = extensions.flatMap { $0 }
            out += bigEndian16(extensionsLength ?? block.count) + block
        }
        return out
    }

    var message: [UInt8] { [handshakeType] + bigEndian24(handshakeLength ?? body.count) + body }

    func records(fragmentSize: Int = 16_384) -> [UInt8] { tlsRecords(message, fragmentSize: fragmentSize) }

    func with(_ change: (inout HelloBuilder) -> Void) -> HelloBuilder {
        var copy = self
        change(&copy)
        return copy
    }
}

/// A real ClientHello, captured from OpenSSL 3.0.19 with
///     python3 listener on 127.0.0.1:18443 that writes everything it receives to a file, then
///     openssl s_client -alpn tern.io/transport.v1 \
///         -servername web.ns.serviceaccount.identity.tern.cluster.local -connect 127.0.0.1:18443
/// and dumped with `xxd -p`. One 377-byte handshake record (TLS 1.3 offer with TLS 1.2
/// fallback suites, X25519 key share, session ticket and PSK-modes extensions).
enum CapturedHello {
    static let bytes = hexBytes("""
        1603010179010001750303c5df46e3965608e4daadc2f130b45a6c2efe7d9d217f6679081d93d36f2e3a0120c7c384be
        c4803a3db3bb852c3357b42f2b849163fbbe468f71f2de2921470c49003e130213031301c02cc030009fcca9cca8ccaa
        c02bc02f009ec024c028006bc023c0270067c00ac0140039c009c0130033009d009c003d003c0035002f00ff010000ee
        0000003600340000317765622e6e732e736572766963656163636f756e742e6964656e746974792e7465726e2e636c75
        737465722e6c6f63616c000b000403000102000a00160014001d0017001e001900180100010101020103010400230000
        001000170015147465726e2e696f2f7472616e73706f72742e76310016000000170000000d002a002804030503060308
        0708080809080a080b080408050806040105010601030303010302040205020602002b0009080304030303020301002d
        00020101003300260024001d0020563adad9a3239460455c5c6d6d47f479894c25e4641fec6f61a87d8632c56809
        """)
    static let info = ClientHelloInfo(serverName: "web.ns.serviceaccount.identity.tern.cluster.local", alpn: ["tern.io/transport.v1"])
    /// The handshake message alone, for re-framing into other record layouts.
    static var message: [UInt8] { Array(bytes[5...]) }
}

// MARK: - Well-formed hellos

@Suite("ClientHello: well-formed")
struct ClientHelloTests {
    static let base = HelloBuilder()

    @Test func capturedOpenSSLHello() {
        #expect(CapturedHello.bytes.count == 382)
        let (decision, settledAt) = expectSettlesByteByByte(CapturedHello.bytes)
        #expect(decision == .detected(.tls(CapturedHello.info)))
        // Not a byte before the hello is complete.
        #expect(settledAt == CapturedHello.bytes.count)
    }

    static let valid: [(ByteSample, ClientHelloInfo)] = [
        (ByteSample("SNI and ALPN", base.records()),
         ClientHelloInfo(serverName: "web.faces.svc.cluster.local", alpn: ["h2", "http/1.1"])),
        (ByteSample("no extensions block (TLS 1.2-era)", base.with { $0.extensions = nil }.records()),
         ClientHelloInfo(serverName: nil, alpn: [])),
        (ByteSample("empty extensions block", base.with { $0.extensions = [] }.records()),
         ClientHelloInfo(serverName: nil, alpn: [])),
        (ByteSample("only unknown and GREASE extensions",
                base.with { $0.extensions = [HelloBuilder.ext(0x0A0A, []), HelloBuilder.supportedVersions, HelloBuilder.ext(0x1A1A, [0])] }.records()),
         ClientHelloInfo(serverName: nil, alpn: [])),
        (ByteSample("SNI only", base.with { $0.extensions = [HelloBuilder.supportedVersions, HelloBuilder.serverName("a")] }.records()),
         ClientHelloInfo(serverName: "a", alpn: [])),
        (ByteSample("ALPN only, order kept", base.with { $0.extensions = [HelloBuilder.alpn(["http/1.1", "h2", "tern.io/transport.v1"])] }.records()),
         ClientHelloInfo(serverName: nil, alpn: ["http/1.1", "h2", "tern.io/transport.v1"])),
        (ByteSample("ALPN name with a byte that is not UTF-8",
                base.with { $0.extensions = [HelloBuilder.ext(16, vector16(vector8([0x68, 0xFF])))] }.records()),
         ClientHelloInfo(serverName: nil, alpn: ["h\u{FFFD}"])),
        (ByteSample("SSL 3.0 versions, empty session id",
                tlsRecords(base.with { $0.legacyVersion = 0x0300; $0.sessionID = [] }.message, version: [0x03, 0x00])),
         ClientHelloInfo(serverName: "web.faces.svc.cluster.local", alpn: ["h2", "http/1.1"])),
        (ByteSample("TLS 1.3 record version", tlsRecords(base.message, version: [0x03, 0x04])),
         ClientHelloInfo(serverName: "web.faces.svc.cluster.local", alpn: ["h2", "http/1.1"])),
        (ByteSample("record carries more after the hello", base.message.withTrailingRecordBytes()),
         ClientHelloInfo(serverName: "web.faces.svc.cluster.local", alpn: ["h2", "http/1.1"])),
        (ByteSample("application data record after the hello", base.records() + [0x17, 0x03, 0x03, 0x00, 0x01, 0xAA]),
         ClientHelloInfo(serverName: "web.faces.svc.cluster.local", alpn: ["h2", "http/1.1"])),
    ]

    @Test(arguments: valid)
    func wellFormedHellos(sample: ByteSample, expected: ClientHelloInfo) {
        let (decision, _) = expectSettlesByteByByte(sample.bytes)
        #expect(decision == .detected(.tls(expected)))
    }

    @Test(arguments: [1, 2, 3, 4, 5, 7, 64, 100, 200, 376])
    func fragmentedCapturedHello(fragmentSize: Int) {
        let records = tlsRecords(CapturedHello.message, fragmentSize: fragmentSize)
        let (decision, settledAt) = expectSettlesByteByByte(records)
        #expect(decision == .detected(.tls(CapturedHello.info)))
        #expect(settledAt == records.count)
    }

    @Test func unevenFragmentsReassemble() {
        // Splits at the handshake header, inside the SNI, and inside the ALPN list.
        let message = CapturedHello.message
        var records: [UInt8] = []
        var start = 0
        for end in [2, 3, 150, 270, message.count] {
            records += tlsRecords(Array(message[start..<end]), version: [0x03, 0x03])
            start = end
        }
        #expect(expectSettlesByteByByte(records).decision == .detected(.tls(CapturedHello.info)))
    }

    /// A hello whose handshake message (header included) is exactly `length` bytes long.
    static func hello(messageLength length: Int) -> HelloBuilder {
        let unpadded = base.message.count
        return base.with { $0.extensions!.append(HelloBuilder.padding(length - unpadded - 4)) }
    }

    @Test func largestHelloInOneRecord() {
        let builder = Self.hello(messageLength: 16_384)
        #expect(builder.message.count == 16_384)
        let (decision, settledAt) = expectSettlesByteByByte(builder.records())
        #expect(decision == .detected(.tls(ClientHelloInfo(serverName: "web.faces.svc.cluster.local", alpn: ["h2", "http/1.1"]))))
        #expect(settledAt == 16_389)
    }

    @Test func largestHelloInSixtyFourRecordsFitsTheBudgetExactly() {
        let records = Self.hello(messageLength: 16_384).records(fragmentSize: 256)
        #expect(records.count == ProtocolDetector.maxInspectedBytes)
        let (decision, settledAt) = expectSettlesByteByByte(records)
        #expect(decision == .detected(.tls(ClientHelloInfo(serverName: "web.faces.svc.cluster.local", alpn: ["h2", "http/1.1"]))))
        #expect(settledAt == ProtocolDetector.maxInspectedBytes)
    }

    @Test func oneRecordHeaderMoreIsOverBudget() {
        // 65 records: the hello would end 5 bytes past the budget.
        let message = Self.hello(messageLength: 16_384).message
        let records = tlsRecords(Array(message[..<255])) + tlsRecords(Array(message[255...]), fragmentSize: 256)
        #expect(records.count == ProtocolDetector.maxInspectedBytes + 5)
        let (decision, settledAt) = expectSettlesByteByByte(records)
        #expect(decision == .detected(.opaque))
        #expect(settledAt == ProtocolDetector.maxInspectedBytes)
    }

    @Test func parserRejectsEveryTruncationExceptTheExtensionlessOne() {
        let body = Self.base.body
        let extensionlessEnd = 2 + 32 + 1 + 32 + 2 + 6 + 1 + 1
        for length in 0...body.count {
            let info = body.withUnsafeBytes { ClientHelloInfo(clientHelloBody: UnsafeRawBufferPointer(rebasing: $0[..<length])) }
            switch length {
            case extensionlessEnd: #expect(info == ClientHelloInfo(serverName: nil, alpn: []))
            case body.count: #expect(info == ClientHelloInfo(serverName: "web.faces.svc.cluster.local", alpn: ["h2", "http/1.1"]))
            default: #expect(info == nil, "truncated at \(length)")
            }
        }
    }

    @Test(arguments: [UInt8(0xFF), 0x01])
    func everySingleByteCorruptionIsHandled(mask: UInt8) {
        // Whatever a corrupted byte does to the lengths, every answer stays consistent and in bounds.
        for index in CapturedHello.bytes.indices {
            var bytes = CapturedHello.bytes
            bytes[index] ^= mask
            let (decision, _) = expectSettlesByteByByte(bytes)
            if case .detected(.http1) = decision { Issue.record("byte \(index) made it HTTP/1") }
            if case .detected(.http2) = decision { Issue.record("byte \(index) made it HTTP/2") }
        }
    }
}

// MARK: - Malformed hellos

@Suite("ClientHello: malformed")
struct MalformedClientHelloTests {
    static let base = HelloBuilder()
    static let host = Array("web.faces.svc.cluster.local".utf8)

    static func hello(_ change: (inout HelloBuilder) -> Void) -> [UInt8] { base.with(change).records() }
    static func extensions(_ list: [[UInt8]]) -> [UInt8] { hello { $0.extensions = list } }

    static let recordLayer: [ByteSample] = [
        ByteSample("record version 3.5", tlsRecords(base.message, version: [0x03, 0x05])),
        ByteSample("record major version 2", tlsRecords(base.message, version: [0x02, 0x00])),
        ByteSample("empty handshake record first", [0x16, 0x03, 0x01, 0x00, 0x00] + base.records()),
        ByteSample("record longer than 2^14", [0x16, 0x03, 0x01, 0x40, 0x01] + base.message),
        ByteSample("ServerHello instead of ClientHello", base.with { $0.handshakeType = 2 }.records()),
        ByteSample("Finished instead of ClientHello", base.with { $0.handshakeType = 20 }.records()),
        ByteSample("handshake length just over 16 KiB", [0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x3F, 0xFD]),
        ByteSample("handshake length 2^24-1", [0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0xFF, 0xFF, 0xFF]),
        ByteSample("handshake length shorter than the hello", base.with { $0.handshakeLength = base.body.count - 5 }.records()),
        ByteSample("handshake length longer than the hello, then application data",
               base.with { $0.handshakeLength = base.body.count + 10 }.records() + [0x17, 0x03, 0x03, 0x00, 0x0A] + [UInt8](repeating: 0, count: 10)),
        ByteSample("alert record inside a fragmented hello",
               tlsRecords(Array(base.message[..<50])) + [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]),
        ByteSample("change_cipher_spec inside a fragmented hello",
               tlsRecords(Array(base.message[..<3])) + tlsRecords(Array(base.message[3...]), contentType: 0x14)),
        ByteSample("second fragment with a bad version",
               tlsRecords(Array(base.message[..<50])) + tlsRecords(Array(base.message[50...]), version: [0x03, 0x09])),
        ByteSample("empty second fragment",
               tlsRecords(Array(base.message[..<50])) + [0x16, 0x03, 0x01, 0x00, 0x00] + tlsRecords(Array(base.message[50...]))),
        ByteSample("full-size hello split over 16-byte records, past the budget",
               tlsRecords(ClientHelloTests.hello(messageLength: 16_384).message, fragmentSize: 16)),
    ]

    static let skeleton: [ByteSample] = [
        ByteSample("legacy version 2.0", hello { $0.legacyVersion = 0x0200 }),
        ByteSample("legacy version 3.5", hello { $0.legacyVersion = 0x0305 }),
        ByteSample("random cut short", tlsRecords([0x01] + bigEndian24(20) + bigEndian16(0x0303) + [UInt8](repeating: 0, count: 18))),
        ByteSample("empty body", tlsRecords([0x01, 0x00, 0x00, 0x00])),
        ByteSample("33-byte session id", hello { $0.sessionID = [UInt8](repeating: 1, count: 33) }),
        ByteSample("session id length lying", hello { $0.sessionIDLength = 0xFF }),
        ByteSample("odd cipher suites length", hello { $0.cipherSuites = [0x13, 0x01, 0x13] }),
        ByteSample("no cipher suites", hello { $0.cipherSuites = [] }),
        ByteSample("cipher suites length lying", hello { $0.cipherSuitesLength = 0x0400 }),
        ByteSample("no compression methods", hello { $0.compressionMethods = [] }),
        ByteSample("compression length lying", hello { $0.compressionLength = 0xF0 }),
        ByteSample("extensions length past the message", hello { $0.extensionsLength = 0x0200 }),
        ByteSample("extensions length short of the message", hello { $0.extensionsLength = 6 }),
        ByteSample("one stray byte where extensions belong", tlsRecords({ let b = base.with { $0.extensions = nil }.body + [0x00]; return [0x01] + bigEndian24(b.count) + b }())),
        ByteSample("extension data overflowing the block", extensions([bigEndian16(99) + bigEndian16(50) + [UInt8](repeating: 0, count: 10)])),
        ByteSample("extension header cut short", extensions([[0x00]])),
        ByteSample("extension header cut short after a good one", extensions([HelloBuilder.supportedVersions, [0x00, 0x10, 0x00]])),
    ]

    static let serverName: [ByteSample] = [
        ByteSample("SNI list length past the data", extensions([HelloBuilder.ext(0, bigEndian16(100) + [0] + vector16(host))])),
        ByteSample("SNI list length short of the data", extensions([HelloBuilder.ext(0, bigEndian16(3) + [0] + vector16(host))])),
        ByteSample("SNI name length past the list", extensions([HelloBuilder.ext(0, vector16([0] + bigEndian16(200) + host))])),
        ByteSample("SNI name length short of the list", extensions([HelloBuilder.ext(0, vector16([0] + bigEndian16(4) + host))])),
        ByteSample("SNI name empty", extensions([HelloBuilder.ext(0, vector16([0] + vector16([])))])),
        ByteSample("SNI name type 1", extensions([HelloBuilder.ext(0, vector16([1] + vector16(host)))])),
        ByteSample("SNI with two host names", extensions([HelloBuilder.ext(0, vector16([0] + vector16(host) + [0] + vector16(host)))])),
        ByteSample("SNI with a space", extensions([HelloBuilder.serverName("web faces")])),
        ByteSample("SNI with a NUL", extensions([HelloBuilder.ext(0, vector16([0] + vector16(host + [0])))])),
        ByteSample("SNI not ASCII", extensions([HelloBuilder.serverName("wéb.faces")])),
        ByteSample("SNI extension empty", extensions([HelloBuilder.ext(0, [])])),
        ByteSample("SNI list empty", extensions([HelloBuilder.ext(0, vector16([]))])),
    ]

    static let alpn: [ByteSample] = [
        ByteSample("0-length ALPN name", extensions([HelloBuilder.alpn(["h2", ""])])),
        ByteSample("only a 0-length ALPN name", extensions([HelloBuilder.alpn([""])])),
        ByteSample("ALPN list empty", extensions([HelloBuilder.ext(16, vector16([]))])),
        ByteSample("ALPN extension empty", extensions([HelloBuilder.ext(16, [])])),
        ByteSample("ALPN name length past the list", extensions([HelloBuilder.ext(16, vector16([5] + Array("h2".utf8)))])),
        ByteSample("ALPN list length past the data", extensions([HelloBuilder.ext(16, bigEndian16(40) + vector8(Array("h2".utf8)))])),
        ByteSample("ALPN list length short of the data", extensions([HelloBuilder.ext(16, bigEndian16(1) + vector8(Array("h2".utf8)))])),
    ]

    static let duplicates: [ByteSample] = [
        ByteSample("SNI twice", extensions([HelloBuilder.serverName("a"), HelloBuilder.serverName("b")])),
        ByteSample("ALPN twice", extensions([HelloBuilder.alpn(["h2"]), HelloBuilder.supportedVersions, HelloBuilder.alpn(["h2"])])),
        ByteSample("unknown extension twice", extensions([HelloBuilder.supportedVersions, HelloBuilder.supportedVersions])),
    ]

    @Test(arguments: recordLayer + skeleton + serverName + alpn + duplicates)
    func malformedIsOpaque(sample: ByteSample) {
        let (decision, settledAt) = expectSettlesByteByByte(sample.bytes)
        #expect(decision == .detected(.opaque))
        #expect(settledAt != nil)
    }

    @Test func oversizedLengthsAreRejectedFromTheHeaders() {
        // No waiting for bytes that could never fit: the headers alone decide.
        #expect(expectSettlesByteByByte([0x16, 0x03, 0x01, 0x40, 0x01]).settledAt == 5)
        #expect(expectSettlesByteByByte([0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0xFF, 0xFF, 0xFF]).settledAt == 9)
        #expect(expectSettlesByteByByte([0x16, 0x03, 0x05]).settledAt == 3)
        #expect(expectSettlesByteByByte([0x16, 0x03, 0x01, 0x00, 0x04, 0x02]).settledAt == 6)
    }
}

extension Array where Element == UInt8 {
    /// This handshake message in one record that also carries bytes after it.
    fileprivate func withTrailingRecordBytes() -> [UInt8] {
        tlsRecords(self + [0x0B, 0x00, 0x00, 0x00])
    }
}
