/// Decides what a connection carries from its first bytes, without I/O or state.
///
/// The caller keeps every byte received so far and asks again with the longer prefix whenever
/// the answer is `.needMore`. The answer is a pure function of the prefix and settles for good:
/// once a prefix gets `.detected(x)`, every longer prefix of the same stream gets `.detected(x)`
/// too, however the bytes were split into reads. A prefix is never read past
/// `maxInspectedBytes`, so the caller's buffer is bounded.
public struct ProtocolDetector: Sendable {
    /// The most bytes the detector may need before it decides; a prefix this long that is
    /// still undecided is `.opaque`.
    ///
    /// HTTP needs at most 24 bytes (the HTTP/2 preface); the budget is set by TLS. 16 KiB is
    /// the largest fragment one TLS record may carry (RFC 8446 §5.1), so it is also the bound
    /// on the ClientHello message we wait for — ample, since real hellos are 0.5–2 KiB even
    /// with post-quantum key shares, and a bigger one is more likely an attempt to make the
    /// proxy buffer than a client. The 64 record headers (5 bytes each) on top let a
    /// full-size hello arrive fragmented across up to 64 records (smaller hellos across
    /// proportionally more): clients and middleboxes do split hellos, sometimes precisely to
    /// hide the SNI from inspectors that read only the first record.
    public static let maxInspectedBytes = TLSClientHelloFramer.maxMessageLength + 64 * TLSClientHelloFramer.recordHeaderLength

    /// Whether a TLS ClientHello is reported as `.tls`; when false it is `.opaque` from its
    /// first byte (for listeners that pass TLS through untouched).
    public let recognizeTLS: Bool

    public init(recognizeTLS: Bool) {
        self.recognizeTLS = recognizeTLS
    }

    public enum Decision: Equatable, Sendable {
        case needMore
        case detected(DetectedProtocol)
    }

    /// `prefix` = every byte received on the connection so far (the caller accumulates and
    /// calls again with the longer prefix when it answers `.needMore`). Stateless and cheap to
    /// call repeatedly: until a ClientHello is complete only record and handshake headers are
    /// looked at, and nothing is copied.
    public func inspect(_ prefix: UnsafeRawBufferPointer) -> Decision {
        // Deciding on the first maxInspectedBytes only keeps the answer stable for longer prefixes.
        let view = UnsafeRawBufferPointer(rebasing: prefix[..<min(prefix.count, Self.maxInspectedBytes)])
        guard let first = view.first else { return .needMore }
        let decision: Decision
        if first == TLSClientHelloFramer.handshakeContentType {
            // No HTTP method or preface starts with 0x16, so this byte alone picks the branch.
            decision = recognizeTLS ? TLSClientHelloFramer.inspect(view) : .detected(.opaque)
        } else {
            decision = Self.inspectHTTP(view)
        }
        if decision == .needMore, view.count == Self.maxInspectedBytes {
            return .detected(.opaque)
        }
        return decision
    }

    /// The nine HTTP/1 methods the proxy routes, each with the space that ends a method token;
    /// requiring the space keeps e.g. `GETX` from counting.
    static let http1RequestStarts: [[UInt8]] = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]
        .map { Array($0.utf8) + [UInt8(ascii: " ")] }

    /// The HTTP/2 connection preface (RFC 9113 §3.4), required in full: `PRI * HTTP/2.0` alone
    /// could still be followed by anything.
    static let http2Preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// Matches the prefix against each request start and the preface: a complete match
    /// decides; a prefix that is still the beginning of one of them waits; otherwise opaque.
    static func inspectHTTP(_ view: UnsafeRawBufferPointer) -> Decision {
        if view.starts(with: http2Preface) { return .detected(.http2) }
        if http1RequestStarts.contains(where: { view.starts(with: $0) }) { return .detected(.http1) }
        let stillPossible = http2Preface.starts(with: view) || http1RequestStarts.contains { $0.starts(with: view) }
        return stillPossible ? .needMore : .detected(.opaque)
    }
}
