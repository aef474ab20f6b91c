import NIOCore
import NIOHTTP1
import NIOHTTP2

/// One request sent as a stream on an upstream HTTP/2 connection (to a peer proxy, or h2c to
/// an application), driven at the frame level: the exchange's HTTP/1-shaped request parts
/// become frames, the response's frames become parts again.
final class H2UpstreamStream: H2Stream, UpstreamLease {
    /// Held strongly until the exchange is over (finish, abort or failure let go of it).
    private var exchange: (any UpstreamEvents)?
    private var responseStarted = false
    private var responseEnded = false
    private var done = false

    init(connection: H2Connection) {
        super.init(connection: connection, id: nil)
    }

    // MARK: The exchange's side

    func begin(_ exchange: any UpstreamEvents) {
        self.exchange = exchange
    }

    func write(_ part: HTTPClientRequestPart) {
        switch part {
        case .head(let head):
            writeFrame(.headers(.init(headers: H2HeaderMapping.request(head))))
        case .body(let body):
            writeBody(body)
        case .end(let trailers):
            endMessage(trailers: trailers)
        }
    }

    func read() {
        grantWindow()
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
        resetStream(.cancel)
    }

    // MARK: The connection's side

    override func received(_ payload: HTTP2Frame.FramePayload) {
        noteReceived(payload)
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

    override func readComplete() {
        exchange?.upstreamReadComplete()
    }

    override func writabilityChanged() {
        exchange?.upstreamWritabilityChanged(isWritable)
    }

    override func closed(_ error: (any Error)?) {
        markClosed()
        guard !responseEnded else { return }
        fail(error ?? H2StreamReset(code: .cancel), reset: nil)
    }

    override func streamRefused() {
        // Nothing was sent: the request may go again on another connection.
        fail(H2StreamRefused(connectionServedOthers: connection.servedStreams), reset: nil)
    }

    private func responseEnd(_ trailers: HTTPHeaders?) {
        guard !responseEnded else { return }
        responseEnded = true
        exchange?.upstreamResponse(.end(trailers))
    }

    private func fail(_ error: any Error, reset code: HTTP2ErrorCode?) {
        if let code { resetStream(code) }
        responseEnded = true
        let exchange = self.exchange
        self.exchange = nil
        exchange?.upstreamFailed(error)
    }
}
