import NIOCore
import NIOHTTP2

/// What a stream of an `H2Connection` hears.
protocol H2StreamEndpoint: AnyObject {
    func received(_ payload: HTTP2Frame.FramePayload)
    /// The end of a batch of reads that delivered frames to this stream.
    func readComplete()
    func writabilityChanged()
    /// The stream is over at the HTTP/2 level: both sides ended it, it was reset, or the
    /// connection went away (`error` says which, nil for a clean end).
    func closed(_ error: (any Error)?)
}

/// Serves the streams of one HTTP/2 connection from a single handler behind `NIOHTTP2Handler`,
/// without a child channel per stream: frames are routed to stream objects by ID, and those
/// write their frames back through here. Both roles use it: the client proxy's connection to
/// a peer (streams opened here) and every HTTP/2 connection a proxy accepts (streams opened by
/// the peer, handed to `accept`).
///
/// Flow control the child channels used to do is done here and in the streams: the
/// connection's receive window is topped up as data arrives (each stream's own window bounds
/// what one slow reader can hold), and a stream returns its window only as its consumer takes
/// the data. Writes of one event-loop tick leave in one flush, so many streams' frames share a
/// TLS record and a syscall.
final class H2Connection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    /// The receive window of the whole connection, shared by its streams.
    static let connectionWindow = 8 * 1024 * 1024

    let eventLoop: any EventLoop
    private let accept: ((HTTP2StreamID, H2Connection) -> (any H2StreamEndpoint)?)?
    /// The highest stream ID the peer opened: a frame for a lower, unknown one belongs to a
    /// stream already over, never to a new one.
    private var lastPeerStream = HTTP2StreamID(0)
    private var context: ChannelHandlerContext?
    private var streams: [HTTP2StreamID: any H2StreamEndpoint] = [:]
    /// Streams that received frames in the current read batch, told when it ends.
    private var touched: [any H2StreamEndpoint] = []
    private var nextStreamID: Int32 = 1
    private var flushScheduled = false
    private var settled = false
    /// The last of this side's streams the peer said it will process (its GOAWAY).
    private var peerProcessesUpTo: HTTP2StreamID?
    /// The error the peer gave in a GOAWAY, when it is closing the connection over one.
    private var peerError: HTTP2ErrorCode?
    private(set) var isWritable = true
    /// Some stream ended cleanly here: the peer did serve this connection (a refusal from it
    /// is a server winding the connection down, not one that serves nothing).
    private(set) var servedStreams = false
    /// False once the peer said GOAWAY or the connection ended: no new streams.
    private(set) var acceptsStreams = true
    /// Called once, when the peer's first SETTINGS arrived: until then NIO encodes with the
    /// protocol's defaults (16 KiB frames), and a large head would fail.
    var onSettled: (() -> Void)?
    /// Called once, when new streams can no longer be opened (GOAWAY or the connection ended).
    var onRetired: (() -> Void)?

    /// `accept` makes the stream for a request the peer opens (server role); nil for a
    /// connection that only opens streams itself (client role).
    init(eventLoop: any EventLoop, accept: ((HTTP2StreamID, H2Connection) -> (any H2StreamEndpoint)?)?) {
        self.eventLoop = eventLoop
        self.accept = accept
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        isWritable = context.channel.isWritable
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: Streams

    /// The ID for a stream this side opens; taken when its first frame is written, so IDs
    /// reach the wire in increasing order. Nil when the connection takes no new streams.
    func openStream(_ stream: any H2StreamEndpoint) -> HTTP2StreamID? {
        guard acceptsStreams, context != nil else { return nil }
        let id = HTTP2StreamID(nextStreamID)
        if nextStreamID > Int32.max - 2 {
            // The ID space is spent: the streams still open finish, new ones go elsewhere.
            retire()
        } else {
            nextStreamID += 2
        }
        streams[id] = stream
        return id
    }

    /// A stream this side gave up on before the peer knew it (its first frame was never written).
    func forget(_ id: HTTP2StreamID) {
        streams[id] = nil
    }

    func write(_ frame: HTTP2Frame, promise: EventLoopPromise<Void>?) {
        guard let context else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        context.write(wrapOutboundOut(frame), promise: promise)
        // Every write is flushed by the end of the tick: no frame may wait for a flush that
        // nobody owes it (the last request on a connection that is winding down had its end
        // left unflushed, and the server waited for it until it gave up).
        flush()
    }

    /// Flushes at the end of this event-loop tick, once for everything written in it. `write`
    /// asks for it itself.
    private func flush() {
        guard !flushScheduled, let context else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            self.context?.flush()
        }
    }

    func close() {
        context?.close(promise: nil)
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if frame.streamID == .rootStream { return rootFrame(frame.payload) }
        let stream: any H2StreamEndpoint
        if let known = streams[frame.streamID] {
            stream = known
        } else if case .headers = frame.payload, let accept, acceptsStreams, frame.streamID > lastPeerStream,
                  let new = accept(frame.streamID, self) {
            lastPeerStream = frame.streamID
            streams[frame.streamID] = new
            stream = new
        } else {
            // A stream this side already forgot (it reset it): NIO's state machine answers
            // what the protocol requires.
            return
        }
        if touched.last !== stream { touched.append(stream) }
        stream.received(frame.payload)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        var batch: [any H2StreamEndpoint] = []
        swap(&batch, &touched)
        for stream in batch { stream.readComplete() }
        batch.removeAll(keepingCapacity: true)
        if touched.isEmpty { touched = batch }
        context.fireChannelReadComplete()
    }

    private func rootFrame(_ payload: HTTP2Frame.FramePayload) {
        switch payload {
        case .settings(.settings) where !settled:
            settled = true
            // The protocol starts every connection at a 64 KiB window; one update opens it.
            write(HTTP2Frame(streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: Self.connectionWindow - 65_535)), promise: nil)
            onSettled?()
            onSettled = nil
        case .goAway(let lastStreamID, let code, _):
            peerProcessesUpTo = min(lastStreamID, peerProcessesUpTo ?? lastStreamID)
            retire()
            refuseUnprocessed()
            if code != .noError {
                // A connection error: the peer processes nothing more and is bound to close
                // (RFC 9113 §5.4.1), but may not do so soon; until it does, the streams still
                // open would wait for answers that cannot come. They fail now.
                peerError = code
                context?.close(promise: nil)
            }
        default:
            break
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let closed = event as? StreamClosedEvent {
            if closed.reason == nil { servedStreams = true }
            if let stream = streams.removeValue(forKey: closed.streamID) {
                stream.closed(closeError(closed))
            }
        } else if let window = event as? NIOHTTP2WindowUpdatedEvent, window.streamID == .rootStream,
                  let remaining = window.inboundWindowSize, settled, remaining < Self.connectionWindow / 2 {
            write(HTTP2Frame(streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: Self.connectionWindow - remaining)), promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        isWritable = context.channel.isWritable
        for stream in Array(streams.values) { stream.writabilityChanged() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let streamError = error as? NIOHTTP2Errors.StreamError {
            // One stream broke the rules (or a frame of ours was refused): NIO resets it where
            // the protocol says so; the connection and its other streams carry on.
            streams.removeValue(forKey: streamError.streamID)?.closed(streamError.baseError)
            return
        }
        // A connection error: NIO has told the peer (GOAWAY) if it was the peer's fault. The
        // connection takes no new streams and is closed; its open streams fail.
        retire()
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        retire()
        refuseUnprocessed()
        let open = streams.sorted { $0.key < $1.key }
        streams = [:]
        let lost = H2ConnectionLost(peerError: peerError)
        for (_, stream) in open { stream.closed(lost) }
        context.fireChannelInactive()
    }

    /// Why a stream closed: a stream the peer refused, or one past its GOAWAY, was never
    /// processed and may be sent again; any other reset is final.
    private func closeError(_ event: StreamClosedEvent) -> (any Error)? {
        let pastGoAway = accept == nil && peerProcessesUpTo.map { event.streamID > $0 } == true
        if event.reason == .refusedStream || pastGoAway { return H2StreamRefused(connectionServedOthers: servedStreams) }
        return event.reason.map { H2StreamReset(code: $0) }
    }

    /// This side's streams past the peer's GOAWAY were not processed and never will be: they
    /// fail as refused now, so their requests go again elsewhere. NIO closes the ones it had
    /// sent, but not those still queued behind the peer's stream limit, which would otherwise
    /// wait until the connection closes.
    private func refuseUnprocessed() {
        guard accept == nil, let last = peerProcessesUpTo else { return }
        // In stream order, which is the order the requests were sent in: their replays queue
        // for the next connection in that order, so the oldest goes first and none starves
        // behind requests that arrived after it.
        let unprocessed = streams.filter { $0.key > last }.sorted { $0.key < $1.key }
        for (id, stream) in unprocessed {
            streams[id] = nil
            stream.closed(H2StreamRefused(connectionServedOthers: servedStreams))
        }
    }

    private func retire() {
        onSettled = nil
        guard acceptsStreams else { return }
        acceptsStreams = false
        onRetired?()
        onRetired = nil
    }
}
