import Logging
import NIOCore
import TernCore
import TernPolicy
import TernTLS

/// Behind the mesh TLS server handler: waits for the verified client identity and the
/// transport header, asks the authorizer, then splices the decrypted stream to the
/// application's port. Bytes after the header are application data and go first.
final class MeshInbound: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum Phase { case handshaking, readingHeader, connecting, done }

    private let environment: InboundEnvironment
    private let localAddress: String?
    private var phase = Phase.handshaking
    private var pending: ByteBuffer
    private var client: MeshIdentity?
    private var clientInputEnded = false
    private var clientMeter = ConnectionMeter.none
    private var headerTimer: Scheduled<Void>?

    init(environment: InboundEnvironment, localAddress: String?, allocator: ByteBufferAllocator) {
        self.environment = environment
        self.localAddress = localAddress
        self.pending = allocator.buffer(capacity: 0)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // The handshake and the header share the detection budget: a peer that stalls
        // either holds a connection and must not hold it forever.
        headerTimer = context.eventLoop.assumeIsolated().scheduleTask(in: environment.detectionTimeout) {
            guard self.phase == .handshaking || self.phase == .readingHeader else { return }
            self.environment.logger.debug("mesh handshake or transport header timed out")
            self.finish(context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let verified = event as? MeshPeerVerified {
            client = verified.identity
            phase = .readingHeader
            MeshHandshake.finished(in: context.pipeline)
            decodeHeader(context: context)
            return
        }
        if case ChannelEvent.inputClosed = event {
            clientInputEnded = true
            if phase == .handshaking || phase == .readingHeader { finish(context: context) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending.writeBuffer(&buffer)
        if phase == .readingHeader { decodeHeader(context: context) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if phase == .handshaking || phase == .readingHeader { context.read() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        headerTimer?.cancel()
        phase = .done
        clientMeter.closed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Handshake rejections (wrong CA, no client certificate) arrive here, already counted
        // by the mesh peer handler.
        environment.logger.debug("inbound mesh connection failed", metadata: ["error": "\(error)"])
        clientMeter.failed(error)
        finish(context: context)
    }

    private func decodeHeader(context: ChannelHandlerContext) {
        switch pending.withUnsafeReadableBytes({ TransportHeader.decode($0) }) {
        case .needMore:
            return
        case .invalid(let why):
            environment.logger.debug("bad transport header", metadata: ["reason": "\(why)"])
            finish(context: context)
        case .header(let header, let consumed):
            pending.moveReaderIndex(forwardBy: consumed)
            if header.sessionProtocol == .http2 {
                admitHTTP2(port: Int(header.port), context: context)
            } else {
                admit(port: Int(header.port), context: context)
            }
        }
    }

    /// Meters the connection and checks it may reach `port` at all.
    private func gate(port: Int) -> Bool {
        headerTimer?.cancel()
        clientMeter = ConnectionMeter(environment.metrics.connection(TrafficLabels(
            direction: .inbound, peer: .src, targetAddress: localAddress.map { "\($0):\(port)" },
            tls: .established(peer: client))))
        guard !environment.proxyPorts.contains(port),
              environment.authorize(InboundPeer(identity: client, port: port)),
              environment.applicationAddress(port: port) != nil
        else {
            environment.logger.debug("inbound mesh connection refused", metadata: ["port": "\(port)"])
            return false
        }
        return true
    }

    /// The client proxy multiplexes requests for `port` on this connection: HTTP/2 is served
    /// here, and each request goes to the application on its own.
    private func admitHTTP2(port: Int, context: ChannelHandlerContext) {
        phase = .done
        guard gate(port: port) else { return finish(context: context) }
        let forwarder = InboundHTTPForwarder(environment: environment, loop: context.eventLoop, port: port,
                                             source: .mesh(client), localAddress: localAddress)
        do {
            try HTTPServerStack.install(.http2, behind: context, meter: clientMeter, forwarder: forwarder)
            clientMeter = .none
        } catch {
            environment.logger.debug("cannot start HTTP/2", metadata: ["error": "\(error)"])
            return finish(context: context)
        }
        let bytes = pending
        pending.clear()
        context.handOver(bytes, inputEnded: clientInputEnded)
    }

    private func admit(port: Int, context: ChannelHandlerContext) {
        phase = .connecting
        guard gate(port: port), let address = environment.applicationAddress(port: port) else {
            return finish(context: context)
        }
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
        headerTimer?.cancel()
        context.close(promise: nil)
    }
}
