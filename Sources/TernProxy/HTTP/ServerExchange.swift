import NIOCore
import NIOHTTP1

/// Proxies the requests of one client-facing HTTP stream: an HTTP/1 connection (requests one
/// after another; `HTTPServerPipelineHandler` in front holds pipelined ones back) or one
/// HTTP/2 stream. Each request is dispatched upstream and both bodies are streamed with
/// backpressure: the client is read only while the upstream stream can take more, and the
/// upstream only while the client can.
final class ServerExchange: ChannelInboundHandler, RemovableChannelHandler, UpstreamEvents {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Request body buffered while the upstream stream is being opened.
    static let maxQueuedBytes = 64 * 1024

    private struct Exchange {
        let head: HTTPRequestHead
        let number: Int
        let started = NIODeadline.now()
        let grpc: Bool
        let keepAlive: Bool
        var dispatched: Dispatched?
        var queued: [HTTPClientRequestPart] = []
        var queuedBytes = 0
        var requestEnded = false
        var responseStarted = false
        var responseEnded = false
        /// The response ended (or was answered locally) first: the rest of the request body
        /// is read and dropped.
        var discarding = false
        var status: Int?
        var grpcStatus: Int?
        var upstreamKeepAlive = true
    }

    private let forwarder: any HTTPForwarder
    /// An HTTP/2 stream carries exactly one request and ends with it.
    private let multiplexed: Bool
    private var context: ChannelHandlerContext?
    private var current: Exchange?
    private var exchanges = 0
    private var clientWritable = true
    private var clientInputClosed = false

    init(forwarder: any HTTPForwarder, multiplexed: Bool) {
        self.forwarder = forwarder
        self.multiplexed = multiplexed
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        clientWritable = context.channel.isWritable
        if context.channel.isActive { context.read() }
    }

    func channelActive(context: ChannelHandlerContext) {
        // HTTP/2 streams become active after their initializer ran; reading starts here.
        context.read()
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: Client side

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard current == nil else {
                // One request at a time is the pipeline handler's promise; a second head here
                // means the stream is confused, and it is not worth guessing.
                return context.close(promise: nil)
            }
            if !multiplexed, ProxyHeaders.isUpgrade(head), forwarder.takeOverUpgrade(head, context: context) {
                return
            }
            begin(head)
        case .body(let buffer):
            guard var exchange = current, !exchange.discarding else { return }
            if let dispatched = exchange.dispatched {
                dispatched.lease.write(.body(.byteBuffer(buffer)))
            } else {
                exchange.queuedBytes += buffer.readableBytes
                exchange.queued.append(.body(.byteBuffer(buffer)))
                current = exchange
            }
        case .end(let trailers):
            guard var exchange = current else { return }
            exchange.requestEnded = true
            current = exchange
            if exchange.discarding {
                if exchange.responseEnded { completeAfterRequestEnd(reusable: false) }
                return
            }
            if let dispatched = exchange.dispatched {
                dispatched.lease.write(.end(trailers))
                dispatched.lease.flush()
                if exchange.responseEnded { completeAfterRequestEnd(reusable: exchange.upstreamKeepAlive) }
            } else {
                current?.queued.append(.end(trailers))
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        current?.dispatched?.lease.flush()
        readClientIfWanted()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        clientWritable = context.channel.isWritable
        if clientWritable, let exchange = current, !exchange.responseEnded {
            exchange.dispatched?.lease.read()
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            clientInputClosed = true
            if current == nil { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let exchange = current, !exchange.responseEnded {
            exchange.dispatched?.lease.abort()
        }
        current = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Reads more of the client when there is somewhere to put it: the next request when
    /// idle, request body while the upstream (or the setup queue) has room.
    private func readClientIfWanted() {
        guard let context else { return }
        guard let exchange = current else {
            if !clientInputClosed { context.read() }
            return
        }
        if exchange.requestEnded { return }
        if exchange.discarding {
            context.read()
        } else if let dispatched = exchange.dispatched {
            if dispatched.lease.isWritable { context.read() }
        } else if exchange.queuedBytes < Self.maxQueuedBytes {
            context.read()
        }
    }

    // MARK: Dispatch

    private func begin(_ head: HTTPRequestHead) {
        exchanges += 1
        let number = exchanges
        current = Exchange(head: head, number: number, grpc: ProxyHeaders.isGRPC(head.headers),
                           keepAlive: multiplexed || head.isKeepAlive)
        forwarder.dispatch(head).assumeIsolated().whenComplete { result in
            guard let exchange = self.current, exchange.number == number, self.context != nil else {
                if case .success(let dispatched) = result { dispatched.lease.abort() }
                return
            }
            switch result {
            case .success(let dispatched):
                self.attach(dispatched)
            case .failure(let error):
                self.answerLocally(error as? ProxyHTTPError ?? ProxyHTTPError(.connectFailed, "\(error)"))
            }
        }
    }

    private func attach(_ dispatched: Dispatched) {
        guard var exchange = current else { return }
        dispatched.lease.relay.begin(self)
        dispatched.recorder.requestStarted()
        dispatched.lease.write(.head(dispatched.head))
        for part in exchange.queued { dispatched.lease.write(part) }
        dispatched.lease.flush()
        exchange.queued = []
        exchange.queuedBytes = 0
        exchange.dispatched = dispatched
        current = exchange
        dispatched.lease.read()
        readClientIfWanted()
    }

    // MARK: Upstream side

    func upstreamResponse(_ part: HTTPClientResponsePart) {
        guard let context, var exchange = current, let dispatched = exchange.dispatched else { return }
        switch part {
        case .head(var head):
            if head.status.code / 100 == 1 && head.status != .switchingProtocols {
                // 100 Continue and friends: passed on as they come, before the final head.
                context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
                return
            }
            dispatched.feedback?.responded()
            exchange.responseStarted = true
            exchange.status = Int(head.status.code)
            exchange.grpcStatus = ProxyHeaders.grpcStatus(head.headers)
            exchange.upstreamKeepAlive = head.isKeepAlive
            ProxyHeaders.stripHopByHop(&head.headers)
            if !multiplexed {
                head.version = exchange.head.version
                if !exchange.keepAlive { head.headers.add(name: "connection", value: "close") }
            }
            current = exchange
            context.write(wrapOutboundOut(.head(head)), promise: nil)
        case .body(let buffer):
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        case .end(let trailers):
            if let status = ProxyHeaders.grpcStatus(trailers) { exchange.grpcStatus = status }
            exchange.responseEnded = true
            current = exchange
            dispatched.recorder.responded(status: exchange.status, grpcStatus: exchange.grpcStatus, since: exchange.started)
            if exchange.requestEnded {
                endResponse(trailers, reusable: exchange.upstreamKeepAlive)
            } else {
                // The upstream answered before the request body was done (a 413, a 401): the
                // stream is finished; what the client still sends is dropped.
                dispatched.lease.abort()
                current?.discarding = true
                let written = context.writeAndFlush(wrapOutboundOut(.end(trailers)))
                if !multiplexed { closeClient(after: written) }
            }
        }
    }

    func upstreamReadComplete() {
        context?.flush()
        if clientWritable, let exchange = current, !exchange.responseEnded {
            exchange.dispatched?.lease.read()
        }
    }

    func upstreamWritabilityChanged(_ writable: Bool) {
        if writable { readClientIfWanted() }
    }

    func upstreamFailed(_ error: (any Error)?) {
        guard let exchange = current, !exchange.responseEnded else { return }
        exchange.dispatched?.feedback?.failed()
        let detail = error.map { "\($0)" } ?? "the upstream stream ended before the response"
        if !exchange.responseStarted {
            exchange.dispatched?.lease.abort()
            return answerLocally(ProxyHTTPError(.upstreamReset, detail))
        }
        // The response is partly delivered: the client must see it cut short, never a
        // truncated body that looks complete.
        exchange.dispatched?.recorder.responded(status: exchange.status, grpcStatus: exchange.grpcStatus,
                                                error: ProxyHTTPError.Kind.upstreamReset.rawValue, since: exchange.started)
        current?.responseEnded = true
        current?.dispatched?.lease.abort()
        context?.close(promise: nil)
    }

    // MARK: Ending

    /// The proxy answers the request itself (no endpoint, connect failure, reset before the
    /// response). An HTTP/1 connection whose request body is still coming is closed after the
    /// answer: the unread body cannot be told apart from the next request.
    private func answerLocally(_ error: ProxyHTTPError) {
        guard let context, var exchange = current, !exchange.responseStarted else { return }
        if let recorder = exchange.dispatched?.recorder {
            // Counted as a request when it was dispatched; only its answer is left to count.
            recorder.responded(status: Int(error.status.code), grpcStatus: exchange.grpc ? error.grpcStatus : nil,
                               error: error.kind.rawValue, since: exchange.started)
        } else {
            forwarder.recordLocalAnswer(exchange.head, error: error, since: exchange.started)
        }
        let keepAlive = exchange.keepAlive && exchange.requestEnded
        let (head, trailers) = error.responseParts(grpc: exchange.grpc, keepAlive: multiplexed || keepAlive)
        exchange.responseStarted = true
        exchange.responseEnded = true
        exchange.queued = []
        current = exchange
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if exchange.requestEnded {
            endResponse(trailers, reusable: false)
        } else if multiplexed {
            current?.discarding = true
            context.writeAndFlush(wrapOutboundOut(.end(trailers)), promise: nil)
            readClientIfWanted()
        } else {
            closeClient(after: context.writeAndFlush(wrapOutboundOut(.end(trailers))))
        }
    }

    /// Both messages are done once `trailers` (the response's end) is written. The exchange is
    /// over before that write: NIO's pipelining handler hands the next request over from
    /// inside it.
    private func endResponse(_ trailers: HTTPHeaders?, reusable: Bool) {
        guard let context, let exchange = current else { return }
        complete(reusable: reusable)
        let written = context.writeAndFlush(wrapOutboundOut(.end(trailers)))
        guard !multiplexed else { return }
        if !exchange.keepAlive || clientInputClosed {
            closeClient(after: written)
        } else {
            readClientIfWanted()
        }
    }

    /// The upstream stream is released and the exchange forgotten.
    private func complete(reusable: Bool) {
        guard let exchange = current else { return }
        exchange.dispatched?.lease.finish(reusable: reusable && !exchange.discarding)
        current = nil
    }

    /// The request's end arrived after its response was already complete.
    private func completeAfterRequestEnd(reusable: Bool) {
        guard let exchange = current else { return }
        complete(reusable: reusable)
        guard !multiplexed else { return }
        if !exchange.keepAlive || clientInputClosed || exchange.discarding {
            closeClient(after: nil)
        } else {
            readClientIfWanted()
        }
    }

    private func closeClient(after written: EventLoopFuture<Void>?) {
        guard let context else { return }
        if let written {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }
}
