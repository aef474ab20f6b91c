import Logging
import NIOCore
import TernCore
import TernPolicy

/// Sets up one connection accepted on the inbound listener. Mesh mTLS (a ClientHello offering
/// the mesh ALPN) is terminated here and handed to `MeshInbound`, which reads the transport
/// header; anything else redirected to the proxy goes to the application's port unchanged.
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

    init(environment: InboundEnvironment, allocator: ByteBufferAllocator) {
        self.environment = environment
        self.pending = allocator.buffer(capacity: 0)
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
            admitPlaintext(port: port, context: context)
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
        let hello = pending
        pending.clear()
        context.handOver(hello, inputEnded: clientInputEnded)
    }

    /// Plaintext (or non-mesh TLS) redirected to the proxy: to the application's port as is.
    private func admitPlaintext(port: Int, context: ChannelHandlerContext) {
        phase = .connecting
        detectionTimer?.cancel()
        let peer = InboundPeer(identity: nil, port: port)
        guard environment.authorize(peer), let address = environment.applicationAddress(port: port) else {
            return finish(context: context)
        }
        let target = originalDestination.map { "\($0.ipAddress ?? "?"):\(port)" }
        clientMeter = ConnectionMeter(environment.metrics.connection(TrafficLabels(
            direction: .inbound, peer: .src, targetAddress: target, tls: .noIdentity(.noTLSFromRemote))))
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
