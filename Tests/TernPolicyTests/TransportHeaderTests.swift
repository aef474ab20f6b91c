import Testing
@testable import TernPolicy

func decodeHeader(_ bytes: [UInt8]) -> TransportHeader.DecodeResult {
    bytes.withUnsafeBytes { TransportHeader.decode($0) }
}

/// A header with a hand-built body, to write fields the encoder never would.
func headerFrame(_ fields: [UInt8]...) -> [UInt8] {
    let body = fields.flatMap { $0 }
    return [0xD1, 0x54, 0x52, 0x4E, 0x01] + bigEndian16(body.count) + body
}

func headerField(_ type: UInt8, _ value: [UInt8]) -> [UInt8] { [type] + bigEndian16(value.count) + value }

let headerPortField = headerField(1, bigEndian16(8080))

@Suite("Transport header")
struct TransportHeaderTests {
    static let headers: [TransportHeader] = [
        TransportHeader(port: 1),
        TransportHeader(port: 80, name: "web.faces.svc.cluster.local:80", sessionProtocol: .http1),
        TransportHeader(port: 65_535, name: String(repeating: "a", count: 253), sessionProtocol: .http2),
        TransportHeader(port: 8080, name: "ünïcødé.example", sessionProtocol: .opaque),
        TransportHeader(port: 4143, name: "x", sessionProtocol: .http2),
    ]

    @Test(arguments: headers)
    func roundTrip(header: TransportHeader) {
        let bytes = header.encoded()
        #expect(bytes.count <= TransportHeader.maxEncodedSize)
        #expect(decodeHeader(bytes) == .header(header, consumed: bytes.count))
    }

    @Test func layoutIsAsDocumented() {
        let bytes = TransportHeader(port: 8080, name: "web", sessionProtocol: .http1).encoded()
        #expect(bytes == [
            0xD1, 0x54, 0x52, 0x4E, 0x01, 0x00, 0x0F,  // magic, version, body length 15
            0x01, 0x00, 0x02, 0x1F, 0x90,  // port 8080
            0x02, 0x00, 0x03, 0x77, 0x65, 0x62,  // name "web"
            0x03, 0x00, 0x01, 0x01,  // session protocol http1
        ])
    }

    @Test(arguments: headers)
    func everyTruncationNeedsMore(header: TransportHeader) {
        let bytes = header.encoded()
        for length in 0..<bytes.count {
            #expect(decodeHeader(Array(bytes[..<length])) == .needMore, "truncated at \(length)")
        }
    }

    @Test func everyCorruptPreambleByteIsInvalidAtOnce() {
        let bytes = TransportHeader(port: 8080).encoded()
        for index in 0..<5 {
            for value in UInt8.min...UInt8.max where value != bytes[index] {
                var corrupt = Array(bytes[...index])
                corrupt[index] = value
                let expected: TransportHeader.DecodeResult = index < 4 ? .invalid("bad magic") : .invalid("unsupported version \(value)")
                // Decided on the corrupt byte itself, and unchanged once the rest arrives.
                #expect(decodeHeader(corrupt) == expected)
                #expect(decodeHeader(corrupt + bytes[(index + 1)...]) == expected)
            }
        }
    }

    @Test func trailingApplicationDataIsLeftAlone() {
        let header = TransportHeader(port: 9090, name: "db.data.svc.cluster.local", sessionProtocol: .http2)
        let encoded = header.encoded()
        let appData = Array("GET / HTTP/1.1\r\n".utf8)
        let result = decodeHeader(encoded + appData)
        #expect(result == .header(header, consumed: encoded.count))
        if case .header(_, let consumed) = result {
            #expect(Array((encoded + appData)[consumed...]) == appData)
        }
    }

    @Test func unknownFieldsAreSkippedWherever() {
        let unknownEmpty = headerField(9, [])
        let unknownLong = headerField(200, [UInt8](repeating: 0xEE, count: 300))
        let bytes = headerFrame(unknownEmpty, headerField(2, Array("web".utf8)), unknownLong, headerPortField, headerField(3, [2]), unknownEmpty)
        #expect(decodeHeader(bytes) == .header(TransportHeader(port: 8080, name: "web", sessionProtocol: .http2), consumed: bytes.count))
    }

    @Test func minimalHeaderIsPortAlone() {
        let bytes = headerFrame(headerPortField)
        #expect(decodeHeader(bytes) == .header(TransportHeader(port: 8080, name: nil, sessionProtocol: .opaque), consumed: bytes.count))
    }

    @Test func bodyAtTheLimitIsAccepted() {
        let limit = TransportHeader.maxEncodedSize - 7
        let bytes = headerFrame(headerPortField, headerField(77, [UInt8](repeating: 0, count: limit - headerPortField.count - 3)))
        #expect(bytes.count == TransportHeader.maxEncodedSize)
        #expect(decodeHeader(bytes) == .header(TransportHeader(port: 8080), consumed: bytes.count))
    }

    @Test func oversizedBodyIsInvalidFromItsLength() {
        let limit = TransportHeader.maxEncodedSize - 7
        for length in [limit + 1, 0xFFFF] {
            let preamble: [UInt8] = [0xD1, 0x54, 0x52, 0x4E, 0x01] + bigEndian16(length)
            #expect(decodeHeader(preamble) == .invalid("body length \(length) exceeds the maximum of \(limit)"))
        }
    }

    static let invalid: [(ByteSample, String)] = [
        (ByteSample("port 0", headerFrame(headerField(1, [0, 0]))), "port 0"),
        (ByteSample("no port", headerFrame(headerField(2, Array("web".utf8)), headerField(3, [1]))), "missing port"),
        (ByteSample("empty body", headerFrame()), "missing port"),
        (ByteSample("port twice", headerFrame(headerPortField, headerPortField)), "duplicate field 1"),
        (ByteSample("name twice", headerFrame(headerPortField, headerField(2, [0x61]), headerField(2, [0x62]))), "duplicate field 2"),
        (ByteSample("protocol twice", headerFrame(headerPortField, headerField(3, [0]), headerField(3, [0]))), "duplicate field 3"),
        (ByteSample("3-byte port", headerFrame(headerField(1, [0, 0, 80]))), "field 1 has length 3, expected 2"),
        (ByteSample("1-byte port", headerFrame(headerField(1, [80]))), "field 1 has length 1, expected 2"),
        (ByteSample("empty name", headerFrame(headerPortField, headerField(2, []))), "field 2 has length 0, expected 1...253"),
        (ByteSample("254-byte name", headerFrame(headerPortField, headerField(2, [UInt8](repeating: 0x61, count: 254)))), "field 2 has length 254, expected 1...253"),
        (ByteSample("name not UTF-8", headerFrame(headerPortField, headerField(2, [0x77, 0xC3, 0x28]))), "name is not valid UTF-8"),
        (ByteSample("name with a lone continuation byte", headerFrame(headerPortField, headerField(2, [0x80]))), "name is not valid UTF-8"),
        (ByteSample("name with a truncated sequence", headerFrame(headerPortField, headerField(2, [0x61, 0xE2, 0x82]))), "name is not valid UTF-8"),
        (ByteSample("unknown protocol", headerFrame(headerPortField, headerField(3, [3]))), "unknown session protocol 3"),
        (ByteSample("2-byte protocol", headerFrame(headerPortField, headerField(3, [0, 1]))), "field 3 has length 2, expected 1"),
        (ByteSample("field overrunning the body", headerFrame(headerPortField, [9] + bigEndian16(10) + [1, 2])), "field at body offset 5 overruns the body"),
        (ByteSample("field header cut short", headerFrame(headerPortField, [9, 0])), "field at body offset 5 overruns the body"),
    ]

    @Test(arguments: invalid)
    func invalidBodies(sample: ByteSample, reason: String) {
        #expect(decodeHeader(sample.bytes) == .invalid(reason))
        // A complete but bad body is reported as bad, never as a wait for more.
        #expect(decodeHeader(sample.bytes + [0x00, 0x01]) == .invalid(reason))
    }

    @Test func unrepresentableNamesAreLeftOut() {
        for name in ["", String(repeating: "b", count: 254), String(repeating: "é", count: 127)] {
            let bytes = TransportHeader(port: 80, name: name, sessionProtocol: .http1).encoded()
            #expect(decodeHeader(bytes) == .header(TransportHeader(port: 80, name: nil, sessionProtocol: .http1), consumed: bytes.count))
        }
    }

    @Test func sessionProtocolValues() {
        #expect(SessionProtocol(rawValue: 0) == .opaque)
        #expect(SessionProtocol(rawValue: 1) == .http1)
        #expect(SessionProtocol(rawValue: 2) == .http2)
        #expect(SessionProtocol(rawValue: 3) == nil)
    }
}
