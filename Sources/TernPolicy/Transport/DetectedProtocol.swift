/// What the first bytes of a connection say it carries. Decided by `ProtocolDetector`; the
/// proxy picks its stack from it (HTTP/1 and HTTP/2 get request-level routing, a ClientHello
/// gets SNI-based handling, anything else is forwarded as opaque bytes).
public enum DetectedProtocol: Equatable, Sendable {
    /// Starts with one of the HTTP/1 methods the proxy recognizes, followed by a space.
    case http1
    /// Starts with the full 24-byte HTTP/2 prior-knowledge preface `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`.
    case http2
    /// Starts with a complete, well-formed TLS ClientHello (reported only when the detector
    /// was asked to recognize TLS).
    case tls(ClientHelloInfo)
    /// Anything else, or something that could not be decided within the detector's byte budget.
    case opaque
}
