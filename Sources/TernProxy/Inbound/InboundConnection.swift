import Logging
import NIOCore
import TernCore
import TernPolicy

/// Sets up one connection accepted on the inbound listener. Mesh mTLS (a ClientHello offering
/// the mesh ALPN) is terminated here and handed to `MeshInbound`, which reads the transport
/// header. Plaintext HTTP redirected to the proxy from an unmeshed client is served by the HTTP
/// stack, so its requests are counted like meshed ones (with `tls="no_identity"`); anything
/// else redirected goes to the application's port unchanged, as does a port marked opaque.
/// A connection made straight to the inbound port that is not mesh TLS has no target and is
/// closed.
final class InboundConnection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum Phase { case reading, connecting, done }

    private let environment: InboundEnvironment
    private var phase = Phase.reading
    private var pending: ByteBuffer
    private var originalDestination: SocketAddress?
    private var detectionTimer: Scheduled<Void>?
    private var clientInputEnded = false
    private var clientMeter = ConnectionMeter.none

    /// Set for a connection that left the HTTP stack on a protocol switch: it goes to this
    /// port as bytes as soon as this handler is added, already metered.
    private var resumingPort: Int?

    init(environment: InboundEnvironment, allocator: ByteBufferAllocator) {
        self.environment = environment
        self.pending = allocator.buffer(capacity: 0)
    }

    /// Takes over a plaintext HTTP/1 connection whose request switched protocols; `pending` is
    /// that request, encoded again.
    init(environment: InboundEnvironment, resuming port: Int, pending: ByteBuffer, originalDestination: SocketAddress?) {
        self.environment = environment
        self.pending = pending
        self.resumingPort = port
        self.originalDestination = originalDestination
    }

    func handlerAdded(context: ChannelHandlerContext) {
        guard let port = resumingPort, context.channel.isActive else { return }
        // Admitted and metered when its HTTP stack started: it only needs the application.
        phase = .connecting
        guard let address = environment.applicationAddress(port: port) else { return finish(context: context) }
        splice(to: address, port: port, context: context)
        // Bytes the client sends meanwhile (its first frames) are collected as pending.
        context.read()
    }

    func channelActive(context: ChannelHandlerContext) {
        originalDestination = OriginalDestination.of(context.channel)
        if let destination = originalDestination, let port = destination.port, environment.opaquePorts.contains(port) {
            admitPlaintext(port: port, context: context)
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
        let decision = pending.withUnsafeReadableBytes { environment.detector.inspect($0) }
        guard case .detected(let detected) = decision else { return }
        switch detected {
        case .tls(let hello) where hello.alpn.contains(MeshProtocol.transportALPN):
            startMeshTLS(context: context)
        default:
            guard let port = originalDestination?.port else {
                environment.logger.debug("inbound connection without mesh TLS or a redirect; closing")
                return finish(context: context)
            }
            switch detected {
            case .http2: startHTTP(.http2, port: port, context: context)
            case .http1 where !pending.readableBytesView.starts(with: "CONNECT ".utf8): startHTTP(.http1, port: port, context: context)
            default: admitPlaintext(port: port, context: context)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if phase == .reading { context.read() }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case ChannelEvent.inputClosed = event else { return context.fireUserInboundEventTriggered(event) }
        clientInputEnded = true
        if phase == .reading {
            if let port = originalDestination?.port { admitPlaintext(port: port, context: context) } else { finish(context: context) }
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

    private func detectionTimedOut(context: ChannelHandlerContext) {
        guard phase == .reading else { return }
        if let port = originalDestination?.port { admitPlaintext(port: port, context: context) } else { finish(context: context) }
    }

    /// Puts mesh TLS behind this handler, replays the ClientHello into it and steps aside.
    private func startMeshTLS(context: ChannelHandlerContext) {
        phase = .done
        detectionTimer?.cancel()
        guard let tls = environment.tls else {
            environment.logger.debug("mesh TLS offered but this proxy has no identity; closing")
            return finish(context: context)
        }
        let local = context.channel.localAddress?.ipAddress
        let mesh = MeshInbound(environment: environment, localAddress: local, allocator: context.channel.allocator)
        do {
            // This handler is alone in the pipeline, so "appended" means "behind it".
            let pipeline = context.pipeline.syncOperations
            try pipeline.addHandler(HalfCloseGate())
            try tls.addServerHandlers(to: pipeline)
            try pipeline.addHandler(mesh)
        } catch {
            environment.logger.debug("cannot start mesh TLS", metadata: ["error": "\(error)"])
            return finish(context: context)
        }
        handOverPending(context: context)
    }

    /// Checks an unmeshed client may reach `port` and meters its connection; the
    /// application's address, nil when the client is refused.
    private func gatePlaintext(port: Int) -> SocketAddress? {
        guard environment.authorize(InboundPeer(identity: nil, port: port)),
              let address = environment.applicationAddress(port: port) else { return nil }
        let target = originalDestination.map { "\($0.ipAddress ?? "?"):\(port)" }
        clientMeter = ConnectionMeter(environment.metrics.connection(TrafficLabels(
            direction: .inbound, peer: .src, targetAddress: target, tls: .noIdentity(.noTLSFromRemote))))
        return address
    }

    /// Plaintext HTTP from an unmeshed client: the HTTP stack goes behind this handler, the
    /// bytes read so far are replayed into it, and this handler steps aside.
    private func startHTTP(_ clientProtocol: SessionProtocol, port: Int, context: ChannelHandlerContext) {
        phase = .done
        detectionTimer?.cancel()
        guard gatePlaintext(port: port) != nil else { return finish(context: context) }
        let environment = self.environment
        let destination = originalDestination
        let forwarder = InboundHTTPForwarder(
            environment: environment, loop: context.eventLoop, port: port,
            source: .plaintext(clientProtocol, upgrade: { head, exchangeContext in
                Self.resumeOpaque(port: port, head: head, context: exchangeContext, environment: environment,
                                  originalDestination: destination)
            }),
            localAddress: destination?.ipAddress)
        do {
            try HTTPServerStack.install(clientProtocol, behind: context, meter: clientMeter, forwarder: forwarder)
            clientMeter = .none
        } catch {
            environment.logger.debug("cannot start inbound HTTP", metadata: ["error": "\(error)"])
            return finish(context: context)
        }
        handOverPending(context: context)
    }

    /// Replays what was read so far into the handlers now behind this one and steps aside.
    private func handOverPending(context: ChannelHandlerContext) {
        let bytes = pending
        pending.clear()
        context.handOver(bytes, inputEnded: clientInputEnded)
    }

    /// A plaintext HTTP/1 request asked to switch protocols (WebSocket): the HTTP handlers
    /// leave, and a new setup handler forwards the connection to the application as bytes,
    /// starting with the request itself.
    private static func resumeOpaque(port: Int, head: ByteBuffer, context: ChannelHandlerContext,
                                     environment: InboundEnvironment, originalDestination: SocketAddress?) {
        HTTPServerStack.switchToOpaque(context, setup: InboundConnection(
            environment: environment, resuming: port, pending: head, originalDestination: originalDestination),
                                       logger: environment.logger)
    }

    /// Plaintext (or non-mesh TLS) redirected to the proxy: to the application's port as is.
    private func admitPlaintext(port: Int, context: ChannelHandlerContext) {
        phase = .connecting
        detectionTimer?.cancel()
        guard let address = gatePlaintext(port: port) else { return finish(context: context) }
        splice(to: address, port: port, context: context)
    }

    /// Dials the application and splices the connection to it, bytes read so far first.
    private func splice(to address: SocketAddress, port: Int, context: ChannelHandlerContext) {
        environment.dialApplication(address, port: port, on: context.eventLoop) {
            self.phase == .connecting
        } connected: { upstream, upstreamMeter in
            self.phase = .done
            let meter = self.clientMeter
            self.clientMeter = .none
            Splice.start(setup: context, upstream: upstream, pending: self.pending, greeting: nil,
                         clientMeter: meter, upstreamMeter: upstreamMeter, clientInputEnded: self.clientInputEnded)
        } failed: { error in
            self.clientMeter.failed(error)
            self.finish(context: context)
        }
    }

    private func finish(context: ChannelHandlerContext) {
        phase = .done
        detectionTimer?.cancel()
        context.close(promise: nil)
    }
}
