import NIOCore
import NIOHTTP1
import NIOHTTP2

/// One request a client opened as a stream on an HTTP/2 connection this proxy accepted,
/// driven at the frame level: its frames become the exchange's HTTP/1-shaped request parts,
/// and the exchange's response parts become frames.
final class H2RequestStream: H2Stream, ExchangeClient {
    private var exchange: ServerExchange!
    private var requestStarted = false
    private var requestEnded = false

    init(id: HTTP2StreamID, connection: H2Connection, forwarder: any HTTPForwarder) {
        super.init(connection: connection, id: id)
        exchange = ServerExchange(forwarder: forwarder, multiplexed: true, client: self)
    }

    // MARK: The connection's side

    override func received(_ payload: HTTP2Frame.FramePayload) {
        noteReceived(payload)
        guard !requestEnded else { return }
        switch payload {
        case .headers(let headers):
            guard requestStarted else {
                guard let head = H2HeaderMapping.requestHead(headers.headers) else {
                    return resetStream(.protocolError)
                }
                requestStarted = true
                exchange.clientRead(.head(head))
                if headers.endStream { endRequest(nil) }
                return
            }
            endRequest(H2HeaderMapping.regular(headers.headers))
        case .data(let data):
            guard requestStarted else { return resetStream(.protocolError) }
            if case .byteBuffer(let buffer) = data.data, buffer.readableBytes > 0 {
                exchange.clientRead(.body(buffer))
            }
            if data.endStream { endRequest(nil) }
        default:
            break
        }
    }

    override func readComplete() {
        exchange.clientReadComplete()
    }

    override func writabilityChanged() {
        exchange.clientWritabilityChanged(isWritable)
    }

    override func closed(_ error: (any Error)?) {
        markClosed()
        exchange.clientGone()
        // The exchange holds this stream as its client; the stream is over, so the cycle ends.
        exchange.detachClient()
    }

    override func streamRefused() {
        // Never happens: the peer opened this stream, its ID is known from the start.
        markClosed()
    }

    private func endRequest(_ trailers: HTTPHeaders?) {
        requestEnded = true
        exchange.clientRead(.end(trailers))
    }

    // MARK: ExchangeClient

    func write(_ part: HTTPServerResponsePart) {
        switch part {
        case .head(let head) where head.status.code / 100 == 1:
            writeFrameNow(.headers(.init(headers: H2HeaderMapping.response(head))))
        case .head(let head):
            writeFrame(.headers(.init(headers: H2HeaderMapping.response(head))))
        case .body(let body):
            writeBody(body)
        case .end(let trailers):
            endMessage(trailers: trailers)
        }
    }

    func writeAndFlush(_ part: HTTPServerResponsePart, thenClose: Bool) {
        write(part)
        flush()
    }

    func read() {
        grantWindow()
    }

    func close() {
        resetStream(.cancel)
    }
}
