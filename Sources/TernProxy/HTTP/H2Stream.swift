import NIOCore
import NIOHPACK
import NIOHTTP1
import NIOHTTP2

/// What both kinds of frame-level stream share: writing a message as frames, holding the
/// last one back so the message's end rides on it (a bodiless request is one HEADERS frame
/// with END_STREAM, not two frames), and flow control both ways.
///
/// Receiving: data is handed on as it arrives and the stream's window is returned only when
/// the consumer asks for more (`grant`), so a slow consumer holds the sender back with at most
/// one window of data in flight. Sending: bytes written but not yet on the wire are counted;
/// past `sendHighWater` the stream reports itself not writable, and the producer stops reading.
class H2Stream: H2StreamEndpoint {
    /// Unsent bytes past which the stream stops taking body data.
    static let sendHighWater = 64 * 1024
    /// Returned window is batched: an update per this many bytes taken, not per frame.
    static let grantBatch = HTTP2Tuning.streamWindow / 4

    let connection: H2Connection
    private(set) var id: HTTP2StreamID?
    private var held: HTTP2Frame.FramePayload?
    private var taken = 0
    private var unsent = 0
    /// Ended (both sides, or a reset): nothing more may be written.
    private(set) var closed = false
    private(set) var endWritten = false
    /// The peer ended its message. NIO closes a stream as soon as the second side ends it,
    /// before the frame reaches the stream, so from then on nothing may be written for it:
    /// a frame for a closed stream is an error NIO reports for the whole connection.
    private var peerEnded = false

    private var over: Bool { closed || (peerEnded && endWritten) }

    /// `id` is the peer's for a stream it opened; nil for one this side opens on first write.
    init(connection: H2Connection, id: HTTP2StreamID?) {
        self.connection = connection
        self.id = id
    }

    // MARK: What the kinds of stream override

    func received(_ payload: HTTP2Frame.FramePayload) {}
    func readComplete() {}
    func writabilityChanged() {}
    func closed(_ error: (any Error)?) {}
    /// No stream could be opened (the connection is going away): nothing was sent.
    func streamRefused() {}

    // MARK: Frames

    var isWritable: Bool { connection.isWritable && unsent < Self.sendHighWater }

    final func markClosed() {
        closed = true
        held = nil
    }

    /// Queues `payload` behind the held frame; the new one is held in its place.
    final func writeFrame(_ payload: HTTP2Frame.FramePayload) {
        guard !closed, !endWritten else { return }
        releaseHeld()
        held = payload
    }

    /// A frame that must not wait (an informational response head).
    final func writeFrameNow(_ payload: HTTP2Frame.FramePayload) {
        writeFrame(payload)
        releaseHeld()
    }

    /// Ends the message: on the held frame when there is one and no trailers, else with an
    /// empty DATA frame or the trailers' HEADERS frame.
    final func endMessage(trailers: HPACKHeaders?) {
        guard !closed, !endWritten else { return }
        if let trailers {
            releaseHeld()
            held = .headers(.init(headers: trailers, endStream: true))
        } else if case .headers(var headers)? = held {
            headers.endStream = true
            held = .headers(headers)
        } else if case .data(var data)? = held {
            data.endStream = true
            held = .data(data)
        } else {
            held = .data(.init(data: .byteBuffer(ByteBuffer()), endStream: true))
        }
        endWritten = true
        releaseHeld()
    }

    /// A body part of the exchange's message, as DATA.
    final func writeBody(_ body: IOData) {
        writeFrame(.data(.init(data: body)))
    }

    /// The exchange's message end, with its trailers (HTTP/1 shaped) if any.
    final func endMessage(trailers: HTTPHeaders?) {
        endMessage(trailers: trailers.map(H2HeaderMapping.trailers))
    }

    /// Writes the held frame, if any (before a flush).
    final func releaseHeld() {
        guard let payload = held, !closed else { return }
        held = nil
        if id == nil {
            guard let opened = connection.openStream(self) else {
                closed = true
                streamRefused()
                return
            }
            id = opened
        }
        guard let id else { return }
        if case .data(let data) = payload, data.data.readableBytes > 0 {
            let size = data.data.readableBytes
            let wasWritable = unsent < Self.sendHighWater
            unsent += size
            let promise = connection.eventLoop.makePromise(of: Void.self)
            promise.futureResult.assumeIsolated().whenComplete { _ in self.sent(size) }
            connection.write(HTTP2Frame(streamID: id, payload: payload), promise: promise)
            // The producer caches writability: it must hear about the change both ways.
            if wasWritable, unsent >= Self.sendHighWater { writabilityChanged() }
            return
        }
        connection.write(HTTP2Frame(streamID: id, payload: payload), promise: nil)
    }

    /// Sends the held frame: the connection flushes every write by the end of the tick.
    func flush() {
        releaseHeld()
    }

    private func sent(_ size: Int) {
        let wasBlocked = unsent >= Self.sendHighWater
        unsent -= size
        if wasBlocked, unsent < Self.sendHighWater, !closed { writabilityChanged() }
    }

    /// Notes what a received frame means for the stream; called before the frame is acted on.
    final func noteReceived(_ payload: HTTP2Frame.FramePayload) {
        switch payload {
        case .headers(let headers):
            if headers.endStream { peerEnded = true }
        case .data(let data):
            // Counted against the window to return, padding included (the peer counted it).
            taken += data.data.readableBytes + (data.paddingBytes.map { $0 + 1 } ?? 0)
            if data.endStream { peerEnded = true }
        default:
            break
        }
    }

    /// The consumer wants more: returns the window it has taken, in batches.
    final func grantWindow() {
        guard taken >= Self.grantBatch, let id, !closed, !peerEnded else { return }
        connection.write(HTTP2Frame(streamID: id, payload: .windowUpdate(windowSizeIncrement: taken)), promise: nil)
        taken = 0
    }

    /// Resets the stream (when the peer knows it) and drops what is held.
    final func resetStream(_ code: HTTP2ErrorCode) {
        guard !over else { return }
        closed = true
        held = nil
        guard let id else { return }
        connection.write(HTTP2Frame(streamID: id, payload: .rstStream(code)), promise: nil)
        connection.forget(id)
    }
}
