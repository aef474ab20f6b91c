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
    /// Attempts after the first refused by a connection that served nothing else: an
    /// upstream that takes no request at all is failing, and more attempts only add load.
    static let maxReplays = 2
    /// Attempts after the first refused by a connection that did serve others before it went
    /// away. Each of those rounds is progress (a server that closes connections after N
    /// requests, as nginx does, refuses the burst past N on every one), so they are bounded
    /// only to stop a pathological server from keeping a request forever.
    static let maxReplaysWithProgress = 32

    private var body: [ByteBuffer]? = []
    private var bytes = 0
    private var replays = 0
    private var replaysWithProgress = 0

    mutating func sent(_ buffer: ByteBuffer) {
        guard body != nil else { return }
        bytes += buffer.readableBytes
        if bytes > Self.maxBytes {
            body = nil
        } else {
            body?.append(buffer)
        }
    }

    /// The parts to send on another attempt, counting it against the budget `progress` picks
    /// (whether the refusing connection served other requests); nil when the request cannot
    /// go again.
    mutating func nextAttempt(ended: Bool, trailers: HTTPHeaders?, progress: Bool) -> (parts: [HTTPClientRequestPart], bytes: Int)? {
        guard let body else { return nil }
        if progress {
            guard replaysWithProgress < Self.maxReplaysWithProgress else { return nil }
            replaysWithProgress += 1
        } else {
            guard replays < Self.maxReplays else { return nil }
            replays += 1
        }
        var parts: [HTTPClientRequestPart] = body.map { .body(.byteBuffer($0)) }
        if ended { parts.append(.end(trailers)) }
        let total = bytes
        self.body = []
        bytes = 0
        return (parts, total)
    }
}
