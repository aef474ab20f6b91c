import NIOCore
import NIOHTTP1
import NIOHTTP2

/// One request a client opened as a stream on an HTTP/2 connection this proxy accepted,
/// driven at the frame level: its frames become the exchange's HTTP/1-shaped request parts,
/// and the exchange's response parts become frames.
final class H2RequestStream: H2FramesOwner, ExchangeClient {
    private var frames: H2StreamFrames!
    private var exchange: ServerExchange!
    private var requestStarted = false
    private var requestEnded = false

    init(id: HTTP2StreamID, connection: H2Connection, forwarder: any HTTPForwarder) {
        frames = H2StreamFrames(connection: connection, id: id, owner: self)
        exchange = ServerExchange(forwarder: forwarder, multiplexed: true, client: self)
    }

    // MARK: The connection's side

    func received(_ payload: HTTP2Frame.FramePayload) {
        frames.received(payload)
        guard !requestEnded else { return }
        switch payload {
        case .headers(let headers):
            guard requestStarted else {
                guard let head = H2HeaderMapping.requestHead(headers.headers) else {
                    return frames.reset(.protocolError)
                }
                requestStarted = true
                exchange.clientRead(.head(head))
                if headers.endStream { endRequest(nil) }
                return
            }
            endRequest(H2HeaderMapping.regular(headers.headers))
        case .data(let data):
            guard requestStarted else { return frames.reset(.protocolError) }
            if case .byteBuffer(let buffer) = data.data, buffer.readableBytes > 0 {
                exchange.clientRead(.body(buffer))
            }
            if data.endStream { endRequest(nil) }
        default:
            break
        }
    }

    func readComplete() {
        exchange.clientReadComplete()
    }

    func writabilityChanged() {
        exchange.clientWritabilityChanged(frames.isWritable)
    }

    func closed(_ error: (any Error)?) {
        frames.markClosed()
        exchange.clientGone()
    }

    func streamRefused() {
        // Never happens: the peer opened this stream, its ID is known from the start.
        frames.markClosed()
    }

    private func endRequest(_ trailers: HTTPHeaders?) {
        requestEnded = true
        exchange.clientRead(.end(trailers))
    }

    // MARK: ExchangeClient

    var isWritable: Bool { frames.isWritable }

    func write(_ part: HTTPServerResponsePart) {
        switch part {
        case .head(let head) where head.status.code / 100 == 1:
            frames.writeNow(.headers(.init(headers: H2HeaderMapping.response(head))))
        case .head(let head):
            frames.write(.headers(.init(headers: H2HeaderMapping.response(head))))
        case .body(.byteBuffer(let buffer)):
            frames.write(.data(.init(data: .byteBuffer(buffer))))
        case .body(let other):
            frames.write(.data(.init(data: other)))
        case .end(let trailers):
            frames.end(trailers: trailers.map(H2HeaderMapping.trailers))
        }
    }

    func writeAndFlush(_ part: HTTPServerResponsePart, thenClose: Bool) {
        write(part)
        flush()
    }

    func flush() {
        frames.flush()
    }

    func read() {
        frames.grant()
    }

    func close() {
        frames.reset(.cancel)
    }
}
