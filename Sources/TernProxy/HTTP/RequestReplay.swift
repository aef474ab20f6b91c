import NIOCore
import NIOHTTP1

/// What of a request went upstream, kept while it is small, so that a request the upstream
/// refused without processing it (a stream past the peer's GOAWAY, or REFUSED_STREAM) can be
/// sent again, to a new connection or another endpoint. Servers close HTTP/2 connections by
/// GOAWAY routinely (nginx after 1,000 requests); without this, the requests racing that
/// GOAWAY would fail.
struct RequestReplay {
    /// Bodies up to this size are kept for a second attempt; larger ones are not replayed.
    static let maxBytes = 64 * 1024
    /// Attempts after the first.
    static let maxReplays = 2

    private var body: [ByteBuffer]? = []
    private var bytes = 0
    private(set) var replays = 0

    mutating func sent(_ buffer: ByteBuffer) {
        guard body != nil else { return }
        bytes += buffer.readableBytes
        if bytes > Self.maxBytes {
            body = nil
        } else {
            body?.append(buffer)
        }
    }

    /// The parts to send on another attempt, counting it; nil when the request cannot go again.
    mutating func nextAttempt(ended: Bool, trailers: HTTPHeaders?) -> (parts: [HTTPClientRequestPart], bytes: Int)? {
        guard let body, replays < Self.maxReplays else { return nil }
        var parts: [HTTPClientRequestPart] = body.map { .body(.byteBuffer($0)) }
        if ended { parts.append(.end(trailers)) }
        let total = bytes
        replays += 1
        self.body = []
        bytes = 0
        return (parts, total)
    }
}
