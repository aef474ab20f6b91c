import Testing
@testable import TernPolicy

/// A named byte string, so parameterized tests say which input failed.
struct ByteSample: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]

    init(_ name: String, _ bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    init(_ text: String) {
        self.init(text.debugDescription, Array(text.utf8))
    }

    var testDescription: String { name }
}

func detect(_ bytes: [UInt8], recognizeTLS: Bool = true) -> ProtocolDetector.Decision {
    bytes.withUnsafeBytes { ProtocolDetector(recognizeTLS: recognizeTLS).inspect($0) }
}

/// Feeds every prefix of `bytes` to the detector, as a connection that delivers one byte per
/// read would, and checks the answers run needMore … needMore, then one answer that never
/// changes again and equals the answer for the whole input. Returns the whole-input answer and
/// the prefix length at which it was first given (nil if it is needMore throughout).
@discardableResult
func expectSettlesByteByByte(
    _ bytes: [UInt8], recognizeTLS: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
) -> (decision: ProtocolDetector.Decision, settledAt: Int?) {
    let detector = ProtocolDetector(recognizeTLS: recognizeTLS)
    return bytes.withUnsafeBytes { all in
        let whole = detector.inspect(all)
        var settledAt: Int?
        for length in 0...all.count {
            let decision = detector.inspect(UnsafeRawBufferPointer(rebasing: all[..<length]))
            if let settledAt {
                guard decision == whole else {
                    Issue.record("prefix \(length) answered \(decision) after settling on \(whole) at \(settledAt)", sourceLocation: sourceLocation)
                    break
                }
            } else if decision != .needMore {
                settledAt = length
                guard decision == whole else {
                    Issue.record("prefix \(length) answered \(decision), the whole input \(whole)", sourceLocation: sourceLocation)
                    break
                }
            }
        }
        return (whole, settledAt)
    }
}

@Suite("Protocol detection: HTTP and junk")
struct ProtocolDetectorTests {
    static let methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]
    static let preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

    @Test(arguments: methods, [true, false])
    func everyMethodIsHTTP1(method: String, recognizeTLS: Bool) {
        let request = Array("\(method) /faces?x=1 HTTP/1.1\r\nHost: web\r\n\r\n".utf8)
        let (decision, settledAt) = expectSettlesByteByByte(request, recognizeTLS: recognizeTLS)
        #expect(decision == .detected(.http1))
        // Decided by the space after the method, not a byte later.
        #expect(settledAt == method.utf8.count + 1)
        #expect(detect(Array(method.utf8), recognizeTLS: recognizeTLS) == .needMore)
    }

    @Test func http2PrefaceIsDetectedOnlyWhenComplete() {
        let settings: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0]  // an empty SETTINGS frame
        let (decision, settledAt) = expectSettlesByteByByte(Array(Self.preface.utf8) + settings)
        #expect(decision == .detected(.http2))
        #expect(settledAt == 24)
        #expect(detect(Array(Self.preface.utf8)) == .detected(.http2))
    }

    @Test(arguments: ["", "P", "PR", "PRI", "PRI ", "PRI * HTTP/2.0\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r", "G", "GE", "GET",
                      "C", "CONNEC", "OPTIONS", "TRAC", "PAT", "DELET", "HEA", "PO", "PU"])
    func ambiguousPrefixesWaitForMore(text: String) {
        #expect(detect(Array(text.utf8)) == .needMore)
        #expect(detect(Array(text.utf8), recognizeTLS: false) == .needMore)
    }

    static let junk: [ByteSample] = [
        ByteSample("GEX"), ByteSample("GETX / HTTP/1.1\r\n"), ByteSample("get / HTTP/1.1\r\n"), ByteSample("GET\t/ HTTP/1.1\r\n"),
        ByteSample("GET/"), ByteSample("HEAD\r\n"), ByteSample("POSTAL "), ByteSample("CONNECTX"), ByteSample("PROPFIND / HTTP/1.1\r\n"),
        ByteSample("PRI * HTTP/1.1\r\n\r\n"), ByteSample("PRI * HTTP/2.0\r\n\r\nSX\r\n\r\n"), ByteSample("PRIX"),
        ByteSample("SSH-2.0-OpenSSH_9.6\r\n"), ByteSample("*3\r\n$3\r\nSET\r\n"), ByteSample(" GET / HTTP/1.1\r\n"),
        ByteSample("\r\nGET / HTTP/1.1\r\n"), ByteSample("NUL byte", [0]), ByteSample("0xFF", [0xFF, 0xFE]),
        ByteSample("TLS application data record", [0x17, 0x03, 0x03, 0x00, 0x10]),
        ByteSample("SSLv2-style hello", [0x80, 0x2E, 0x01, 0x03, 0x01]),
        ByteSample("transport header", TransportHeader(port: 8080).encoded()),
    ]

    @Test(arguments: junk, [true, false])
    func junkIsOpaque(sample: ByteSample, recognizeTLS: Bool) {
        let (decision, settledAt) = expectSettlesByteByByte(sample.bytes, recognizeTLS: recognizeTLS)
        #expect(decision == .detected(.opaque))
        #expect(settledAt != nil)
    }

    @Test func opaqueIsDecidedAtTheFirstImpossibleByte() {
        #expect(expectSettlesByteByByte(Array("GEX / HTTP/1.1".utf8)).settledAt == 3)
        #expect(expectSettlesByteByByte(Array("PRI * HTTP/1.1".utf8)).settledAt == 12)
        #expect(expectSettlesByteByByte(Array("XYZ".utf8)).settledAt == 1)
    }

    @Test func emptyPrefixWaits() {
        #expect(detect([]) == .needMore)
        #expect(detect([], recognizeTLS: false) == .needMore)
    }

    @Test func tlsIsOpaqueFromTheFirstByteWhenNotRecognized() {
        let (decision, settledAt) = expectSettlesByteByByte(CapturedHello.bytes, recognizeTLS: false)
        #expect(decision == .detected(.opaque))
        #expect(settledAt == 1)
    }

    @Test func budgetCoversTheLargestWait() {
        #expect(ProtocolDetector.maxInspectedBytes >= 24)
        #expect(ProtocolDetector.maxInspectedBytes == 16_384 + 64 * 5)
    }

    @Test func undecidedAtTheBudgetIsOpaque() {
        // A full-size hello in 100-byte records needs 164 record headers: more than the budget
        // allows, which shows only once the budget is used up.
        let message: [UInt8] = [0x01, 0x00, 0x3F, 0xFC] + Array(repeating: 0, count: 16_380)
        let records = tlsRecords(message, fragmentSize: 100)
        #expect(records.count > ProtocolDetector.maxInspectedBytes)
        let (decision, settledAt) = expectSettlesByteByByte(records)
        #expect(decision == .detected(.opaque))
        #expect(settledAt == ProtocolDetector.maxInspectedBytes)
    }

    @Test func detectorIsUsableFromAnyTask() async {
        let detector = ProtocolDetector(recognizeTLS: true)
        let answers = await withTaskGroup(of: ProtocolDetector.Decision.self) { group in
            for _ in 0..<4 {
                group.addTask { CapturedHello.bytes.withUnsafeBytes { detector.inspect($0) } }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.allSatisfy { $0 == .detected(.tls(CapturedHello.info)) })
    }
}
