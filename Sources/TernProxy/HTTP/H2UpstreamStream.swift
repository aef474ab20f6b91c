import NIOCore
import NIOHTTP1
import NIOHTTP2

/// One request sent as a stream on an upstream HTTP/2 connection (to a peer proxy, or h2c to
/// an application), driven at the frame level: the exchange's HTTP/1-shaped request parts
/// become frames, the response's frames become parts again.
final class H2UpstreamStream: UpstreamLease, H2FramesOwner {
    private var frames: H2StreamFrames!
    private weak var exchange: (any UpstreamEvents)?
    private var responseStarted = false
    private var responseEnded = false
    private var done = false

    init(connection: H2Connection) {
        frames = H2StreamFrames(connection: connection, id: nil, owner: self)
    }

    // MARK: The exchange's side

    var isWritable: Bool { frames.isWritable }

    func begin(_ exchange: any UpstreamEvents) {
        self.exchange = exchange
    }

    func write(_ part: HTTPClientRequestPart) {
        switch part {
        case .head(let head):
            frames.write(.headers(.init(headers: H2HeaderMapping.request(head))))
        case .body(.byteBuffer(let buffer)):
            frames.write(.data(.init(data: .byteBuffer(buffer))))
        case .body(let other):
            frames.write(.data(.init(data: other)))
        case .end(let trailers):
            frames.end(trailers: trailers.map(H2HeaderMapping.trailers))
        }
    }

    func flush() {
        frames.flush()
    }

    func read() {
        frames.grant()
    }

    func finish(reusable: Bool) {
        // Both messages ended, so the stream is over by itself.
        done = true
        exchange = nil
    }

    func abort() {
        guard !done else { return }
        done = true
        exchange = nil
        frames.reset(.cancel)
    }

    // MARK: The connection's side

    func received(_ payload: HTTP2Frame.FramePayload) {
        frames.received(payload)
        switch payload {
        case .headers(let headers):
            guard !responseStarted else {
                // Trailers end the response.
                return responseEnd(H2HeaderMapping.regular(headers.headers))
            }
            guard let head = H2HeaderMapping.responseHead(headers.headers) else {
                return fail(H2StreamReset(code: .protocolError), reset: .protocolError)
            }
            if head.status.code / 100 == 1 {
                exchange?.upstreamResponse(.head(head))
                return
            }
            responseStarted = true
            exchange?.upstreamResponse(.head(head))
            if headers.endStream { responseEnd(nil) }
        case .data(let data):
            guard responseStarted else { return fail(H2StreamReset(code: .protocolError), reset: .protocolError) }
            if case .byteBuffer(let buffer) = data.data, buffer.readableBytes > 0 {
                exchange?.upstreamResponse(.body(buffer))
            }
            if data.endStream { responseEnd(nil) }
        default:
            break
        }
    }

    func readComplete() {
        exchange?.upstreamReadComplete()
    }

    func writabilityChanged() {
        exchange?.upstreamWritabilityChanged(frames.isWritable)
    }

    func closed(_ error: (any Error)?) {
        frames.markClosed()
        guard !responseEnded else { return }
        fail(error ?? H2StreamReset(code: .cancel), reset: nil)
    }

    func streamRefused() {
        fail(ProxyHTTPError(.upstreamReset, "the upstream HTTP/2 connection is going away", unsent: true), reset: nil)
    }

    private func responseEnd(_ trailers: HTTPHeaders?) {
        guard !responseEnded else { return }
        responseEnded = true
        exchange?.upstreamResponse(.end(trailers))
    }

    private func fail(_ error: any Error, reset code: HTTP2ErrorCode?) {
        if let code { frames.reset(code) }
        responseEnded = true
        let exchange = self.exchange
        self.exchange = nil
        exchange?.upstreamFailed(error)
    }
}
