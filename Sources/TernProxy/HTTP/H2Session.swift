import NIOCore
import NIOHTTP1
import NIOHTTP2

/// One multiplexed HTTP/2 connection to an upstream: to a meshed peer's proxy over mTLS, or
/// h2c to an unmeshed endpoint or the local application. Every request is a stream on it.
/// Lives on one event loop; requests made while it connects wait for it.
final class H2Session {
    typealias Opened = (Result<any UpstreamLease, any Error>) -> Void

    private enum State {
        case connecting([Opened])
        case ready(H2Connection)
        case closed(any Error)
    }

    private let loop: any EventLoop
    private var state: State = .connecting([])

    /// `connect` yields a connected channel ready for HTTP/2 bytes (transport header already
    /// written, or plain TCP); `closed` runs once, when the connection can take no more streams.
    init(loop: any EventLoop, connect: EventLoopFuture<any Channel>, closed: @escaping () -> Void) {
        self.loop = loop
        connect.assumeIsolated().whenComplete { result in
            switch result {
            case .success(let channel):
                do {
                    let connection = H2Connection(eventLoop: channel.eventLoop, accept: nil)
                    // Streams wait for the peer's first SETTINGS: until then NIO encodes with
                    // the protocol's defaults (16 KiB frames), and a large request head would
                    // fail a connection whose peer allows more.
                    connection.onSettled = { self.becomeReady(connection) }
                    connection.onRetired = {
                        self.fail(ProxyHTTPError(.upstreamReset, "the upstream HTTP/2 connection closed"))
                        closed()
                    }
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOHTTP2Handler(mode: .client, connectionConfiguration: HTTP2Tuning.connection(server: false),
                                                        streamConfiguration: HTTP2Tuning.stream))
                    try sync.addHandler(connection)
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
        switch state {
        case .closed: return true
        case .ready(let connection): return !connection.acceptsStreams
        case .connecting: return false
        }
    }

    /// A new stream for one request, handed over at once when the connection is up, else
    /// when it is. Its stream ID is taken when its first frame is written.
    func openStream(_ opened: @escaping Opened) {
        switch state {
        case .ready(let connection):
            opened(.success(H2UpstreamStream(connection: connection)))
        case .closed(let error):
            opened(.failure(error))
        case .connecting(var waiters):
            waiters.append(opened)
            state = .connecting(waiters)
        }
    }

    private func becomeReady(_ connection: H2Connection) {
        guard case .connecting(let waiters) = state else { return }
        state = .ready(connection)
        for waiter in waiters { openStream(waiter) }
    }

    private func fail(_ error: any Error) {
        if case .closed = state { return }
        let waiters: [Opened]
        if case .connecting(let pending) = state { waiters = pending } else { waiters = [] }
        state = .closed(error)
        for waiter in waiters { waiter(.failure(error)) }
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
        configuration.maximumRecentlyResetStreams = recentlyResetStreams
        configuration.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: server ? maxConcurrentStreams : 100),
            HTTP2Setting(parameter: .maxHeaderListSize, value: maxHeaderListSize),
            HTTP2Setting(parameter: .initialWindowSize, value: streamWindow),
            HTTP2Setting(parameter: .maxFrameSize, value: maxFrameSize),
        ]
        return configuration
    }

    /// Resets a peer may send before NIO takes it for a rapid-reset attack and closes the
    /// connection. NIO's default (200 in 30 s) is far too low for a connection that carries a
    /// whole workload's requests: clients cancel calls all the time, and a load generator
    /// stopping resets every stream it has in flight.
    static let resetsPerWindow = 20_000
    /// Streams reset by this side that NIO remembers, so frames the peer had already sent on
    /// them are dropped instead of failing the whole connection. NIO's default (32) is less
    /// than what one load generator stopping resets at once.
    static let recentlyResetStreams = 4096

    static var stream: NIOHTTP2Handler.StreamConfiguration {
        var configuration = NIOHTTP2Handler.StreamConfiguration()
        configuration.streamResetFrameRateLimit.maximumCount = resetsPerWindow
        configuration.streamResetFrameRateLimit.windowLength = .seconds(30)
        return configuration
    }
}
