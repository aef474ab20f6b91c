/// Finds a ClientHello handshake message in the TLS records at the start of a connection,
/// reassembling it when the client split it across several records, and decides as early as
/// the bytes allow.
///
/// While the message is incomplete only headers are inspected (record headers and the 4-byte
/// handshake header), so a prefix that cannot be a hello within budget is rejected early and
/// nothing is copied; the body is parsed once, when its last byte has arrived. Bytes after
/// the message — the rest of its last record, later records — are never looked at, which is
/// what keeps the decision identical however the stream is cut into reads.
enum TLSClientHelloFramer {
    static let handshakeContentType: UInt8 = 0x16
    static let clientHelloType: UInt8 = 1
    static let recordHeaderLength = 5
    static let handshakeHeaderLength = 4
    /// A record fragment may not exceed 2^14 bytes (RFC 8446 §5.1).
    static let maxFragmentLength = 16_384
    /// The largest ClientHello message (handshake header included) the detector waits for;
    /// see `ProtocolDetector.maxInspectedBytes` for why.
    static let maxMessageLength = 16_384

    static func inspect(_ view: UnsafeRawBufferPointer) -> ProtocolDetector.Decision {
        let budget = ProtocolDetector.maxInspectedBytes
        var recordStart = 0
        var streamLength = 0  // handshake-stream bytes seen so far, across records
        var header: UInt32 = 0  // the 4-byte handshake header, accumulated byte by byte
        var messageLength: Int?  // header + body, once the header is complete
        var firstFragment = 0..<0

        while true {
            // Record header, judged byte by byte so a non-TLS prefix is rejected at once.
            let available = view.count - recordStart
            guard available >= 1 else { return .needMore }
            guard view[recordStart] == handshakeContentType else { return .detected(.opaque) }
            guard available >= 2 else { return .needMore }
            guard view[recordStart + 1] == 0x03 else { return .detected(.opaque) }
            guard available >= 3 else { return .needMore }
            guard view[recordStart + 2] <= 0x04 else { return .detected(.opaque) }
            guard available >= recordHeaderLength else { return .needMore }
            let fragmentLength = Int(view[recordStart + 3]) << 8 | Int(view[recordStart + 4])
            // Empty handshake fragments are forbidden (RFC 8446 §5.1), and would let a client
            // spend the budget on headers alone.
            guard fragmentLength >= 1, fragmentLength <= maxFragmentLength else { return .detected(.opaque) }

            let fragmentStart = recordStart + recordHeaderLength
            let fragmentAvailable = min(fragmentLength, view.count - fragmentStart)
            if streamLength == 0 { firstFragment = fragmentStart..<(fragmentStart + fragmentAvailable) }

            // The handshake header may itself be split across records.
            var index = fragmentStart
            while streamLength < handshakeHeaderLength, index < fragmentStart + fragmentAvailable {
                header = header << 8 | UInt32(view[index])
                streamLength += 1
                index += 1
                if streamLength == 1, header != UInt32(clientHelloType) { return .detected(.opaque) }
                if streamLength == handshakeHeaderLength {
                    let length = handshakeHeaderLength + Int(header & 0xFF_FFFF)
                    guard length <= maxMessageLength else { return .detected(.opaque) }
                    // Even with no further record headers the body would end past the budget.
                    guard index + length - handshakeHeaderLength <= budget else { return .detected(.opaque) }
                    messageLength = length
                }
            }
            streamLength += fragmentStart + fragmentAvailable - index

            if let messageLength, streamLength >= messageLength {
                return .detected(parse(view, messageLength: messageLength, firstFragment: firstFragment))
            }
            guard fragmentAvailable == fragmentLength else { return .needMore }
            recordStart = fragmentStart + fragmentLength
        }
    }

    /// Parses the complete message. The common single-record hello is parsed in place; a
    /// fragmented one is first gathered into one buffer, walking the records (already
    /// validated by `inspect`) a second time.
    private static func parse(_ view: UnsafeRawBufferPointer, messageLength: Int, firstFragment: Range<Int>) -> DetectedProtocol {
        let bodyLength = messageLength - handshakeHeaderLength
        let info: ClientHelloInfo?
        if firstFragment.count >= messageLength {
            let bodyStart = firstFragment.lowerBound + handshakeHeaderLength
            info = ClientHelloInfo(clientHelloBody: UnsafeRawBufferPointer(rebasing: view[bodyStart..<(bodyStart + bodyLength)]))
        } else {
            var message: [UInt8] = []
            message.reserveCapacity(messageLength)
            var recordStart = 0
            while message.count < messageLength {
                let fragmentLength = Int(view[recordStart + 3]) << 8 | Int(view[recordStart + 4])
                let fragmentStart = recordStart + recordHeaderLength
                let take = min(fragmentLength, messageLength - message.count)
                message.append(contentsOf: view[fragmentStart..<(fragmentStart + take)])
                recordStart = fragmentStart + fragmentLength
            }
            info = message.withUnsafeBytes {
                ClientHelloInfo(clientHelloBody: UnsafeRawBufferPointer(rebasing: $0[handshakeHeaderLength...]))
            }
        }
        return info.map(DetectedProtocol.tls) ?? .opaque
    }
}
