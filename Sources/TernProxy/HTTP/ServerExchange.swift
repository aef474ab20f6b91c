import NIOCore
import NIOHTTP1

/// Proxies the requests of one client-facing HTTP stream: an HTTP/1 connection (requests one
/// after another; `HTTPServerPipelineHandler` in front holds pipelined ones back) or one
/// HTTP/2 stream. Its client side (`ExchangeClient`) hands it request parts and takes the
/// response's. Each request is dispatched upstream and both bodies are streamed with
/// backpressure: the client is read only while the upstream stream can take more, and the
/// upstream only while the client can.
final class ServerExchange: UpstreamEvents {
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
        var endTrailers: HTTPHeaders?
        /// Where the request was counted, on its first attempt; its answer is counted there too.
        var recorder: RequestRecorder?
        var replay = RequestReplay()
    }

    private let forwarder: any HTTPForwarder
    /// An HTTP/2 stream carries exactly one request and ends with it.
    private let multiplexed: Bool
    /// Held strongly (a weak reference costs every retain of a per-request object a side
    /// table); the client detaches itself when it is over.
    private var client: (any ExchangeClient)?
    private var current: Exchange?
    private var exchanges = 0
    private var clientWritable = true
    private var clientInputEnded = false
    /// Inside a batch of client reads: upstream writes are flushed once, at its end, so a
    /// request's head and end leave in one write.
    private var readingClient = false

    init(forwarder: any HTTPForwarder, multiplexed: Bool, client: any ExchangeClient) {
        self.forwarder = forwarder
        self.multiplexed = multiplexed
        self.client = client
    }

    /// The client is over: nothing more is written to it.
    func detachClient() {
        client = nil
    }

    /// No request is in progress.
    var isIdle: Bool { current == nil }

    // MARK: Client side

    func clientRead(_ part: HTTPServerRequestPart) {
        readingClient = true
        switch part {
        case .head(let head):
            guard current == nil else {
                // One request at a time is the pipeline handler's promise; a second head here
                // means the stream is confused, and it is not worth guessing.
                client?.close()
                return
            }
            begin(head)
        case .body(let buffer):
            guard var exchange = current, !exchange.discarding else { return }
            if let dispatched = exchange.dispatched {
                dispatched.lease.write(.body(.byteBuffer(buffer)))
                current?.replay.sent(buffer)
            } else {
                exchange.queuedBytes += buffer.readableBytes
                exchange.queued.append(.body(.byteBuffer(buffer)))
                current = exchange
            }
        case .end(let trailers):
            guard var exchange = current else { return }
            exchange.requestEnded = true
            exchange.endTrailers = trailers
            current = exchange
            if exchange.discarding {
                if exchange.responseEnded { completeAfterRequestEnd(reusable: false) }
                return
            }
            if let dispatched = exchange.dispatched {
                dispatched.lease.write(.end(trailers))
                if !readingClient { dispatched.lease.flush() }
                if exchange.responseEnded { completeAfterRequestEnd(reusable: exchange.upstreamKeepAlive) }
            } else {
                current?.queued.append(.end(trailers))
            }
        }
    }

    func clientReadComplete() {
        readingClient = false
        current?.dispatched?.lease.flush()
        readClientIfWanted()
    }

    func clientWritabilityChanged(_ writable: Bool) {
        clientWritable = writable
        if clientWritable, let exchange = current, !exchange.responseEnded {
            exchange.dispatched?.lease.read()
        }
    }

    /// The client sends nothing more: an idle connection is closed, a request in progress is
    /// finished first.
    func clientInputClosed() {
        clientInputEnded = true
        if current == nil { client?.close() }
    }

    /// The client went away: a request still in progress is abandoned upstream.
    func clientGone() {
        if let exchange = current, !exchange.responseEnded {
            exchange.dispatched?.lease.abort()
        }
        current = nil
    }

    /// Reads more of the client when there is somewhere to put it: the next request when
    /// idle, request body while the upstream (or the setup queue) has room.
    private func readClientIfWanted() {
        guard let client else { return }
        guard let exchange = current else {
            if !clientInputEnded { client.read() }
            return
        }
        if exchange.requestEnded { return }
        if exchange.discarding {
            client.read()
        } else if let dispatched = exchange.dispatched {
            if dispatched.lease.isWritable { client.read() }
        } else if exchange.queuedBytes < Self.maxQueuedBytes {
            client.read()
        }
    }

    // MARK: Dispatch

    private func begin(_ head: HTTPRequestHead) {
        exchanges += 1
        let number = exchanges
        current = Exchange(head: head, number: number, grpc: ProxyHeaders.isGRPC(head.headers),
                           keepAlive: multiplexed || head.isKeepAlive)
        dispatch(head, number: number)
    }

    private func dispatch(_ head: HTTPRequestHead, number: Int) {
        forwarder.dispatch(head) { result in
            guard let exchange = self.current, exchange.number == number, self.client != nil else {
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
        dispatched.lease.begin(self)
        if exchange.recorder == nil {
            dispatched.recorder.requestStarted()
            exchange.recorder = dispatched.recorder
        }
        dispatched.lease.write(.head(dispatched.head))
        for part in exchange.queued {
            dispatched.lease.write(part)
            if case .body(.byteBuffer(let buffer)) = part { exchange.replay.sent(buffer) }
        }
        if !readingClient { dispatched.lease.flush() }
        exchange.queued = []
        exchange.queuedBytes = 0
        exchange.dispatched = dispatched
        current = exchange
        dispatched.lease.read()
        readClientIfWanted()
    }

    // MARK: Upstream side

    func upstreamResponse(_ part: HTTPClientResponsePart) {
        guard let client, var exchange = current, let dispatched = exchange.dispatched else { return }
        switch part {
        case .head(var head):
            if head.status.code / 100 == 1 && head.status != .switchingProtocols {
                // 100 Continue and friends: passed on as they come, before the final head.
                client.writeAndFlush(.head(head), thenClose: false)
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
            client.write(.head(head))
        case .body(let buffer):
            client.write(.body(.byteBuffer(buffer)))
        case .end(let trailers):
            if let status = ProxyHeaders.grpcStatus(trailers) { exchange.grpcStatus = status }
            exchange.responseEnded = true
            current = exchange
            exchange.recorder?.responded(status: exchange.status, grpcStatus: exchange.grpcStatus, since: exchange.started)
            if exchange.requestEnded {
                endResponse(trailers, reusable: exchange.upstreamKeepAlive)
            } else {
                // The upstream answered before the request body was done (a 413, a 401): the
                // stream is finished; what the client still sends is dropped.
                dispatched.lease.abort()
                current?.discarding = true
                client.writeAndFlush(.end(trailers), thenClose: !multiplexed)
            }
        }
    }

    func upstreamReadComplete() {
        client?.flush()
        if clientWritable, let exchange = current, !exchange.responseEnded {
            exchange.dispatched?.lease.read()
        }
    }

    func upstreamWritabilityChanged(_ writable: Bool) {
        if writable { readClientIfWanted() }
    }

    func upstreamFailed(_ error: (any Error)?) {
        guard var exchange = current, !exchange.responseEnded else { return }
        if let refused = error as? H2StreamRefused, !exchange.responseStarted,
           let again = exchange.replay.nextAttempt(ended: exchange.requestEnded, trailers: exchange.endTrailers,
                                                   progress: refused.connectionServedOthers) {
            // The upstream never processed it: the same request goes again, balanced anew.
            exchange.dispatched?.lease.abort()
            exchange.dispatched = nil
            exchange.queued = again.parts
            exchange.queuedBytes = again.bytes
            current = exchange
            return dispatch(exchange.head, number: exchange.number)
        }
        exchange.dispatched?.feedback?.failed()
        let detail = error.map { "\($0)" } ?? "the upstream stream ended before the response"
        if !exchange.responseStarted {
            exchange.dispatched?.lease.abort()
            return answerLocally(ProxyHTTPError(.upstreamReset, detail))
        }
        // The response is partly delivered: the client must see it cut short, never a
        // truncated body that looks complete.
        exchange.recorder?.responded(status: exchange.status, grpcStatus: exchange.grpcStatus,
                                                error: ProxyHTTPError.Kind.upstreamReset.rawValue, since: exchange.started)
        current?.responseEnded = true
        current?.dispatched?.lease.abort()
        client?.close()
    }

    // MARK: Ending

    /// The proxy answers the request itself (no endpoint, connect failure, reset before the
    /// response). An HTTP/1 connection whose request body is still coming is closed after the
    /// answer: the unread body cannot be told apart from the next request.
    private func answerLocally(_ error: ProxyHTTPError) {
        guard let client, var exchange = current, !exchange.responseStarted else { return }
        if let recorder = exchange.recorder {
            // Counted as a request when it was dispatched; only its answer is left to count.
            let answer = error.answered(grpc: exchange.grpc)
            recorder.responded(status: answer.status, grpcStatus: answer.grpcStatus,
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
        client.write(.head(head))
        if exchange.requestEnded {
            endResponse(trailers, reusable: false)
        } else if multiplexed {
            current?.discarding = true
            client.writeAndFlush(.end(trailers), thenClose: false)
            readClientIfWanted()
        } else {
            client.writeAndFlush(.end(trailers), thenClose: true)
        }
    }

    /// Both messages are done once `trailers` (the response's end) is written. The exchange is
    /// over before that write: NIO's pipelining handler hands the next request over from
    /// inside it.
    private func endResponse(_ trailers: HTTPHeaders?, reusable: Bool) {
        guard let client, let exchange = current else { return }
        complete(reusable: reusable)
        let close = !multiplexed && (!exchange.keepAlive || clientInputEnded)
        client.writeAndFlush(.end(trailers), thenClose: close)
        if !multiplexed && !close { readClientIfWanted() }
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
        if !exchange.keepAlive || clientInputEnded || exchange.discarding {
            client?.close()
        } else {
            readClientIfWanted()
        }
    }
}
