import Foundation
import NIOCore
import NIOPosix
import Synchronization
import TernLocal

#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP server in the test process: HTTP/1.1 (keep-alive, pipelining, chunked) and
/// HTTP/2 with prior knowledge on the same port, told apart by the connection's first bytes.
/// Bytes that are neither become a raw byte echo, so one application port can also take the
/// opaque traffic tests send. The routes are in `HTTPTestRoutes`.
final class HTTPTestServer: Sendable {
    /// Which protocol a connection turned out to speak.
    enum Kind: String, Sendable { case http1, http2, echo }

    /// The server's name, answered by `/whoami` (which endpoint a balanced request reached).
    let name: String
    let port: Int
    private let listener: any Channel
    private let state = Mutex(State())

    private struct State {
        var requests: [String: Int] = [:]
        var connections: [Kind: Int] = [:]
        var open: [ObjectIdentifier: any Channel] = [:]
        var killed = false
    }

    init(name: String = "http", host: String = "127.0.0.1", port: Int = 0, namespace: String? = nil) throws {
        self.name = name
        let fd = try Self.listeningSocket(host: host, port: port, namespace: namespace)
        let box = ServerBox()
        listener = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let server = box.server else { throw ChannelError.ioOnClosedChannel }
                    try channel.pipeline.syncOperations.addHandler(ProtocolSniffer(server: server))
                }
            }
            .withBoundSocket(fd).wait()
        self.port = listener.localAddress?.port ?? 0
        box.server = self
    }

    /// Requests seen for `path` (the URI without its query).
    func requests(_ path: String) -> Int { state.withLock { $0.requests[path, default: 0] } }
    var totalRequests: Int { state.withLock { $0.requests.values.reduce(0, +) } }
    func connections(_ kind: Kind) -> Int { state.withLock { $0.connections[kind, default: 0] } }

    /// Stops accepting and resets every open connection (an endpoint dying mid-stream).
    func kill() {
        let open = state.withLock { state -> [any Channel] in
            state.killed = true
            return Array(state.open.values)
        }
        listener.close(promise: nil)
        for channel in open { Self.reset(channel) }
    }

    deinit { kill() }

    /// Closes with SO_LINGER 0, so the peer sees a reset as from a crashed process.
    static func reset(_ channel: any Channel) {
        guard let provider = channel as? any SocketOptionProvider else { return channel.close(promise: nil) }
        provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
    }

    // MARK: Bookkeeping from the handlers

    func counted(_ path: String) { state.withLock { $0.requests[path, default: 0] += 1 } }

    func accepted(_ channel: any Channel, as kind: Kind) -> Bool {
        let keep = state.withLock { state -> Bool in
            guard !state.killed else { return false }
            state.connections[kind, default: 0] += 1
            state.open[ObjectIdentifier(channel)] = channel
            return true
        }
        if keep {
            channel.closeFuture.whenComplete { _ in
                _ = self.state.withLock { $0.open.removeValue(forKey: ObjectIdentifier(channel)) }
            }
        }
        return keep
    }

    // MARK: Socket

    /// Bound and listening before NIO takes it, so a namespace's socket works like any other.
    private static func listeningSocket(host: String, port: Int, namespace: String?) throws -> Int32 {
        let fd = try namespace.map { try NetworkNamespaceSocket.tcp(in: $0) } ?? socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 256) == 0 else {
            let code = errno
            close(fd)
            throw HarnessError("HTTP test server bind/listen \(host):\(port): errno \(code)")
        }
        return fd
    }
}

/// Lets the child initializer reach the server, which is only complete after the bootstrap.
private final class ServerBox: @unchecked Sendable {
    private let lock = NSLock()
    private weak var stored: HTTPTestServer?
    var server: HTTPTestServer? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
