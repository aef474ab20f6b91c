import Logging
import NIOCore
import TernCore
import TernPolicy

/// Sets up one connection accepted on the outbound listener: learns where it was headed (the
/// original destination, or an explicit-mode proxy request), detects the protocol, resolves
/// the destination through discovery, dials an endpoint and hands over to a splice. Every
/// byte read during setup is kept and sent upstream first, in order.
final class OutboundConnection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase { case reading, connecting, done }

    private let environment: OutboundEnvironment
    private var phase = Phase.reading
    private var pending: ByteBuffer
    private var originalDestination: SocketAddress?
    private var detectionTimer: Scheduled<Void>?
    private var clientInputEnded = false
    private var clientMeter = ConnectionMeter.none
    /// Explicit mode: what the client is told once the tunnel is up.
    private var greeting: ByteBuffer?

    /// Set when an upgraded HTTP/1 connection continues here as opaque bytes: where it goes
    /// and whether the client is in explicit mode.
    private var resumeTarget: OutboundTarget?

    init(environment: OutboundEnvironment, allocator: ByteBufferAllocator) {
        self.environment = environment
        self.pending = allocator.buffer(capacity: 0)
    }

    /// Takes over a connection that leaves HTTP (an `Upgrade`): `pending` is the request head,
    /// re-encoded, and the target is already known. Metering stays with the HTTP side's meter.
    init(environment: OutboundEnvironment, resuming target: OutboundTarget, pending: ByteBuffer,
         originalDestination: SocketAddress?) {
        self.environment = environment
        self.pending = pending
        self.resumeTarget = target
        self.originalDestination = originalDestination
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if let target = resumeTarget, context.channel.isActive {
            forward(to: target, context: context)
            // Bytes the client sends meanwhile (its first frames) are collected as pending.
            context.read()
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        originalDestination = OriginalDestination.of(context.channel)
        let target = originalDestination.map { OutboundTarget.address($0).discoveryPath }
        clientMeter = ConnectionMeter(environment.metrics.connection(TrafficLabels(
            direction: .outbound, peer: .src, targetAddress: target, tls: .noIdentity(.loopback))))
        if let destination = originalDestination, let port = destination.port, environment.opaquePorts.contains(port) {
            forward(to: .address(destination), context: context)
        } else {
            detectionTimer = context.eventLoop.assumeIsolated().scheduleTask(in: environment.detectionTimeout) {
                self.detectionTimedOut(context: context)
            }
            context.read()
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending.writeBuffer(&buffer)
        guard phase == .reading else { return }
        detect(context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if phase == .reading || phase == .connecting && resumeTarget != nil { context.read() }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case ChannelEvent.inputClosed = event else { return context.fireUserInboundEventTriggered(event) }
        clientInputEnded = true
        // The client is done sending before the protocol was known: what it sent is all there is.
        if phase == .reading {
            if let destination = originalDestination {
                forward(to: .address(destination), context: context)
            } else {
                context.close(promise: nil)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        detectionTimer?.cancel()
        phase = .done
        clientMeter.closed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        clientMeter.failed(error)
        context.close(promise: nil)
    }

    // MARK: Learning the target

    /// HTTP goes to the HTTP stack; anything else is forwarded as bytes. In explicit mode a
    /// `CONNECT` opens a tunnel, and what is neither HTTP nor a tunnel is refused.
    private func detect(context: ChannelHandlerContext) {
        let decision = pending.withUnsafeReadableBytes { environment.detector.inspect($0) }
        guard case .detected(let detected) = decision else { return }
        environment.logger.trace("detected", metadata: ["protocol": "\(detected)"])
        switch detected {
        case .http2:
            startHTTP(.http2, context: context)
        case .http1 where !pending.readableBytesView.starts(with: "CONNECT ".utf8):
            startHTTP(.http1, context: context)
        default:
            if let destination = originalDestination {
                forward(to: .address(destination), context: context)
            } else {
                parseProxyRequest(context: context)
            }
        }
    }

    /// Hands the connection to the HTTP stack: the meter, the codecs and the exchange go
    /// behind this handler, the bytes read so far are replayed into them, and it steps aside.
    private func startHTTP(_ sessionProtocol: SessionProtocol, context: ChannelHandlerContext) {
        phase = .done
        detectionTimer?.cancel()
        let environment = self.environment
        let destination = originalDestination
        let forwarder = OutboundHTTPForwarder(
            environment: environment, loop: context.eventLoop, originalDestination: destination,
            clientProtocol: sessionProtocol
        ) { target, head, exchangeContext in
            Self.resumeOpaque(target: target, head: head, context: exchangeContext, environment: environment,
                              originalDestination: destination)
        }
        do {
            try HTTPServerStack.install(sessionProtocol, behind: context, meter: clientMeter, forwarder: forwarder)
            clientMeter = .none
        } catch {
            environment.logger.debug("cannot start HTTP", metadata: ["error": "\(error)"])
            return context.close(promise: nil)
        }
        let bytes = pending
        pending.clear()
        context.handOver(bytes, inputEnded: clientInputEnded)
    }

    /// An HTTP/1 request asked to switch protocols: the HTTP handlers leave and a new setup
    /// handler forwards the connection as opaque bytes, starting with the request itself.
    private static func resumeOpaque(target: OutboundTarget, head: ByteBuffer, context: ChannelHandlerContext,
                                     environment: OutboundEnvironment, originalDestination: SocketAddress?) {
        HTTPServerStack.switchToOpaque(context, setup: OutboundConnection(
            environment: environment, resuming: target, pending: head, originalDestination: originalDestination),
                                       logger: environment.logger)
    }

    private func parseProxyRequest(context: ChannelHandlerContext) {
        switch pending.withUnsafeReadableBytes({ ProxyRequestHead.parse($0) }) {
        case .needMore:
            return
        case .tooLarge:
            reject(status: "431 Request Header Fields Too Large", reason: "request head over 8 KiB", context: context)
        case .invalid(let why):
            reject(status: "400 Bad Request", reason: why, context: context)
        case .connect(let host, let port, let length):
            pending.moveReaderIndex(forwardBy: length)
            greeting = ByteBuffer(string: "HTTP/1.1 200 Connection established\r\n\r\n")
            forward(to: .authority(host: host, port: port), context: context)
        case .forward(let host, let port, let head, let length):
            pending.moveReaderIndex(forwardBy: length)
            var rewritten = context.channel.allocator.buffer(capacity: head.count + pending.readableBytes)
            rewritten.writeBytes(head)
            rewritten.writeBuffer(&pending)
            pending = rewritten
            forward(to: .authority(host: host, port: port), context: context)
        }
    }

    private func detectionTimedOut(context: ChannelHandlerContext) {
        guard phase == .reading else { return }
        if let destination = originalDestination {
            // A client that does not speak first (or too slowly): Linkerd's rule, opaque TCP.
            forward(to: .address(destination), context: context)
        } else {
            reject(status: "408 Request Timeout", reason: "no proxy request within the detection timeout", context: context)
        }
    }

    // MARK: Resolving and dialling

    private func forward(to target: OutboundTarget, context: ChannelHandlerContext) {
        phase = .connecting
        detectionTimer?.cancel()
        guard let resolver = environment.resolver else {
            return dial(plan: OutboundPlan.direct(target), context: context)
        }
        let resolved = context.eventLoop.makePromise(of: Resolution.self)
        resolved.completeWithTask { await resolver.resolve(target.discoveryPath) }
        resolved.futureResult.assumeIsolated().whenSuccess { resolution in
            guard self.phase == .connecting else { return }
            switch resolution {
            case .unknown:
                self.dial(plan: OutboundPlan.direct(target), context: context)
            case .noEndpoints:
                self.fail("no endpoints for \(target.discoveryPath)", context: context)
            case .pool(let pool):
                self.dial(plan: .balanced(pool, target: target, tried: []), context: context)
            }
        }
    }

    private func dial(plan: OutboundPlan, context: ChannelHandlerContext) {
        guard let attempt = plan.nextAttempt(meshCapable: environment.dialer.tls != nil) else {
            return fail(plan.exhaustedReason, context: context)
        }
        let started = NIODeadline.now()
        attempt.pool?.connectStarted(attempt.endpoint)
        environment.dialer.dial(attempt.dialTarget, on: context.eventLoop).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let upstream):
                let latency = UInt64(max(0, (NIODeadline.now() - started).nanoseconds))
                attempt.pool?.connectSucceeded(attempt.endpoint, latencyNanos: latency)
                self.connected(upstream, attempt: attempt, context: context)
            case .failure(let error):
                attempt.pool?.connectFailed(attempt.endpoint)
                self.environment.logger.debug("connect failed", metadata: [
                    "endpoint": "\(attempt.endpoint.socketAddress)", "error": "\(error)"])
                guard self.phase == .connecting else { return }
                guard let retry = plan.afterFailure(of: attempt, maxAttempts: self.environment.maxConnectAttempts) else {
                    return self.fail("connect to \(attempt.endpoint.socketAddress) failed: \(error)", context: context)
                }
                self.dial(plan: retry, context: context)
            }
        }
    }

    private func connected(_ upstream: any Channel, attempt: OutboundAttempt, context: ChannelHandlerContext) {
        guard phase == .connecting else {
            upstream.close(promise: nil)
            return
        }
        phase = .done
        let upstreamMeter = ConnectionMeter(environment.metrics.connection(attempt.upstreamLabels))
        let meter = clientMeter
        clientMeter = .none  // the splice owns the client's metrics from here
        Splice.start(setup: context, upstream: upstream, pending: pending, greeting: greeting,
                     clientMeter: meter, upstreamMeter: upstreamMeter, clientInputEnded: clientInputEnded)
    }

    // MARK: Failing

    /// Transparent clients see the connection close (as a refused connect would look);
    /// explicit clients get a 502 naming the cause, as an HTTP proxy answers.
    private func fail(_ reason: String, context: ChannelHandlerContext) {
        environment.logger.info("outbound connection failed", metadata: ["reason": "\(reason)"])
        if originalDestination == nil {
            reject(status: "502 Bad Gateway", reason: reason, context: context)
        } else {
            phase = .done
            context.close(promise: nil)
        }
    }

    private func reject(status: String, reason: String, context: ChannelHandlerContext) {
        phase = .done
        detectionTimer?.cancel()
        let clean = reason.filter { $0 != "\r" && $0 != "\n" }
        let response = "HTTP/1.1 \(status)\r\nl5d-proxy-error: \(clean)\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
