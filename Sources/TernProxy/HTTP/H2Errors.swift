import NIOHTTP2

/// The peer reset a stream, or NIO closed it with an error code.
struct H2StreamReset: Error, CustomStringConvertible {
    let code: HTTP2ErrorCode

    var description: String { "the HTTP/2 stream was reset (\(code.wireName))" }
}

/// The connection ended while the stream was open, so the request may have been processed and
/// is not sent again. `peerError` is the error the peer closed it with, when it named one: an
/// application whose HTTP/2 stack rejects a frame shows up here, not as a vague reset.
struct H2ConnectionLost: Error, CustomStringConvertible {
    let peerError: HTTP2ErrorCode?

    var description: String {
        guard let peerError else { return "the HTTP/2 connection closed while the request was in flight" }
        return "the upstream closed the HTTP/2 connection with \(peerError.wireName) while the request was in flight"
    }
}

extension HTTP2ErrorCode {
    /// The code's name as RFC 9113 spells it, for errors people read.
    var wireName: String {
        switch self {
        case .noError: return "NO_ERROR"
        case .protocolError: return "PROTOCOL_ERROR"
        case .internalError: return "INTERNAL_ERROR"
        case .flowControlError: return "FLOW_CONTROL_ERROR"
        case .settingsTimeout: return "SETTINGS_TIMEOUT"
        case .streamClosed: return "STREAM_CLOSED"
        case .frameSizeError: return "FRAME_SIZE_ERROR"
        case .refusedStream: return "REFUSED_STREAM"
        case .cancel: return "CANCEL"
        case .compressionError: return "COMPRESSION_ERROR"
        case .connectError: return "CONNECT_ERROR"
        case .enhanceYourCalm: return "ENHANCE_YOUR_CALM"
        case .inadequateSecurity: return "INADEQUATE_SECURITY"
        case .http11Required: return "HTTP_1_1_REQUIRED"
        default: return "error 0x\(String(networkCode, radix: 16))"
        }
    }
}

/// The peer did not process the stream (REFUSED_STREAM, or past its GOAWAY): nothing of the
/// request took effect there.
struct H2StreamRefused: Error, CustomStringConvertible {
    /// The connection that refused it served other streams first (see `RequestReplay`).
    var connectionServedOthers: Bool

    var description: String { "the upstream refused the HTTP/2 stream without processing it" }
}
