import NIOCore
import NIOHTTP1
import NIOHTTP2

/// One multiplexed HTTP/2 connection to an upstream: to a meshed peer's proxy over mTLS, or
/// h2c to an unmeshed endpoint or the local application. Every request is a stream on it.
/// Lives on one event loop; requests made while it connects wait for it.
final class H2Session {
    private enum State {
        case connecting([EventLoopPromise<NIOHTTP2Handler.StreamMultiplexer>])
        case ready(NIOHTTP2Handler.StreamMultiplexer)
        case closed(any Error)
    }

    private var state: State = .connecting([])
    private let loop: any EventLoop

    /// `connect` dials the transport (TLS with the transport header already written, or
    /// plain TCP); `closed` runs once, when the connection fails or ends.
    init(loop: any EventLoop, connect: EventLoopFuture<any Channel>, closed: @escaping () -> Void) {
        self.loop = loop
        connect.assumeIsolated().whenComplete { result in
            switch result {
            case .success(let channel):
                do {
                    let multiplexer = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                        mode: .client, connectionConfiguration: HTTP2Tuning.connection(server: false),
                        streamConfiguration: HTTP2Tuning.stream
                    ) { stream in
                        // The peer does not push; a stream it opens anyway is refused.
                        stream.close()
                    }
                    channel.closeFuture.assumeIsolated().whenComplete { _ in
                        self.fail(ProxyHTTPError(.upstreamReset, "the upstream HTTP/2 connection closed"))
                        closed()
                    }
                    // Streams wait for the peer's first SETTINGS: until then NIO encodes with
                    // the protocol's defaults (16 KiB frames), and a large request head would
                    // fail a connection whose peer allows more.
                    try channel.pipeline.syncOperations.addHandler(PeerSettingsWaiter { self.becomeReady(multiplexer) })
                    // The connection reads all the time: each stream's flow-control window, not
                    // the socket, is what holds a sender back.
                    channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in channel.read() }
                } catch {
                    channel.close(promise: nil)
                    self.fail(error)
                    closed()
                }
            case .failure(let error):
                self.fail(error)
                closed()
            }
        }
    }

    var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// A new stream for one request, with the HTTP/1-shaped codec and a relay on it.
    func openStream() -> EventLoopFuture<UpstreamLease> {
        multiplexer().assumeIsolated().flatMap { multiplexer in
            multiplexer.createStreamChannel { stream in
                stream.eventLoop.makeCompletedFuture {
                    try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTP1ClientCodec(httpProtocol: .http))
                    try stream.pipeline.syncOperations.addHandler(UpstreamRelay())
                }.flatMap {
                    // Response data is read when the client can take it; unread frames hold the
                    // stream's window closed, which is how backpressure reaches the server.
                    stream.setOption(ChannelOptions.autoRead, value: false)
                }
            }
        }.flatMapThrowing { stream in
            let relay = try stream.pipeline.syncOperations.handler(type: UpstreamRelay.self)
            return UpstreamLease(channel: stream, relay: relay, release: nil)
        }.nonisolated()
    }

    private func multiplexer() -> EventLoopFuture<NIOHTTP2Handler.StreamMultiplexer> {
        switch state {
        case .ready(let multiplexer):
            return loop.assumeIsolated().makeSucceededFuture(multiplexer)
        case .closed(let error):
            return loop.makeFailedFuture(error)
        case .connecting(var waiters):
            let promise = loop.makePromise(of: NIOHTTP2Handler.StreamMultiplexer.self)
            waiters.append(promise)
            state = .connecting(waiters)
            return promise.futureResult
        }
    }

    private func becomeReady(_ multiplexer: NIOHTTP2Handler.StreamMultiplexer) {
        guard case .connecting(let waiters) = state else { return }
        state = .ready(multiplexer)
        for waiter in waiters { waiter.succeed(multiplexer) }
    }

    private func fail(_ error: any Error) {
        if case .closed = state { return }
        let waiters: [EventLoopPromise<NIOHTTP2Handler.StreamMultiplexer>]
        if case .connecting(let pending) = state { waiters = pending } else { waiters = [] }
        state = .closed(error)
        for waiter in waiters { waiter.fail(error) }
    }
}

/// Calls back once the peer's first SETTINGS frame has arrived (NIO passes root-stream
/// frames down the connection's pipeline), then steps aside.
private final class PeerSettingsWaiter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame

    private var settled: (() -> Void)?

    init(_ settled: @escaping () -> Void) {
        self.settled = settled
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .settings(.settings) = unwrapInboundIn(data).payload, let settled {
            self.settled = nil
            settled()
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
        context.fireChannelRead(data)
    }
}

/// HTTP/2 settings shared by the proxy's client and server connections.
enum HTTP2Tuning {
    /// Large enough for the headers an HTTP/1 client may send (the HTTP/1 decoder allows
    /// 80 KiB), so nothing accepted on one side is refused on the other.
    static let maxHeaderListSize = 96 * 1024
    /// Streams a client proxy may open on one connection to a server proxy.
    static let maxConcurrentStreams = 10_000
    /// Per-stream window: enough to keep a stream busy across a LAN round trip, small enough
    /// that a stalled reader pins little memory.
    static let streamWindow = 256 * 1024
    /// Frames this large may come in. NIO sends a header block as one HEADERS frame (it does
    /// not split into CONTINUATION frames), so a head the HTTP/1 side accepts (up to 80 KiB)
    /// only crosses to the peer proxy if the peer allows frames that big.
    static let maxFrameSize = 128 * 1024

    static func connection(server: Bool) -> NIOHTTP2Handler.ConnectionConfiguration {
        var configuration = NIOHTTP2Handler.ConnectionConfiguration()
        configuration.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: server ? maxConcurrentStreams : 100),
            HTTP2Setting(parameter: .maxHeaderListSize, value: maxHeaderListSize),
            HTTP2Setting(parameter: .initialWindowSize, value: streamWindow),
            HTTP2Setting(parameter: .maxFrameSize, value: maxFrameSize),
        ]
        return configuration
    }

    static var stream: NIOHTTP2Handler.StreamConfiguration {
        var configuration = NIOHTTP2Handler.StreamConfiguration()
        configuration.targetWindowSize = streamWindow
        return configuration
    }
}
