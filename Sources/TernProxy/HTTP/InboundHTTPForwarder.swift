import NIOCore
import NIOHTTP1
import TernCore
import TernPolicy

/// Routes the requests of one inbound HTTP connection to the application's port.
///
/// From a meshed peer (one HTTP/2 connection over mTLS): a request that started as HTTP/1 (the
/// client proxy says so in `l5d-orig-proto`) is restored to HTTP/1 on a pooled keep-alive
/// connection; anything else stays HTTP/2 (h2c), which is what gRPC servers speak.
///
/// From an unmeshed client in plaintext: each request goes in the client's own protocol, and
/// `l5d-orig-proto` means nothing (only a peer proxy may say how a request started). An HTTP/1
/// upgrade leaves the HTTP stack through `upgrade`, to be forwarded as bytes.
final class InboundHTTPForwarder: HTTPForwarder {
    /// Who is on the other end of the connection.
    enum Source {
        /// A peer proxy over mesh TLS, with the identity its certificate proved.
        case mesh(MeshIdentity?)
        /// An unmeshed client; `upgrade` takes the connection over on a protocol switch.
        case plaintext(SessionProtocol, upgrade: (ByteBuffer, ChannelHandlerContext) -> Void)
    }

    private let environment: InboundEnvironment
    private let loop: any EventLoop
    private let state: HTTPLoopState
    private let port: Int
    private let source: Source
    private let tls: TLSLabel
    private let targetAddress: String?
    private var lastRecorder: (authority: String?, recorder: RequestRecorder)?

    init(environment: InboundEnvironment, loop: any EventLoop, port: Int, source: Source, localAddress: String?) {
        self.environment = environment
        self.loop = loop
        self.state = environment.http.on(loop)
        self.port = port
        self.source = source
        switch source {
        case .mesh(let client): tls = .established(peer: client)
        case .plaintext: tls = .noIdentity(.noTLSFromRemote)
        }
        self.targetAddress = localAddress.map { HostPort(host: $0, port: port).description }
    }

    func dispatch(_ original: HTTPRequestHead, then done: @escaping Dispatching) {
        var head = original
        guard let application = environment.applicationAddress(port: port) else {
            return done(.failure(ProxyHTTPError(.connectFailed, "no application address for port \(port)")))
        }
        let route: UpstreamRoute
        if case .plaintext(let clientProtocol, _) = source {
            route = clientProtocol == .http2 ? .multiplexed(.plain(application)) : .http1(.plain(application))
        } else if let protocolName = head.headers.first(name: ProxyHeaders.originalProtocol) {
            head.headers.remove(name: ProxyHeaders.originalProtocol)
            guard let version = Self.version(protocolName) else {
                return done(.failure(ProxyHTTPError(.badRequest, "unknown \(ProxyHeaders.originalProtocol) \(protocolName)")))
            }
            head.version = version
            route = .http1(.plain(application))
        } else {
            route = .multiplexed(.plain(application))
        }
        let recorder = self.recorder(authority: head.headers.first(name: "host")?.lowercased())
        let port = self.port
        let sendHead = head
        // Built only when a new connection to the application is dialled (autoclosure).
        state.sessions.open(route, labels: TrafficLabels(
            direction: .inbound, peer: .dst, targetAddress: "127.0.0.1:\(port)", tls: .noIdentity(.loopback))
        ) { result in
            switch result {
            case .success(let lease):
                done(.success(Dispatched(lease: lease, head: sendHead, recorder: recorder, feedback: nil)))
            case .failure(let error):
                done(.failure(ProxyHTTPError(.connectFailed, "the application on port \(port) refused the connection: \(error)",
                                             unsent: true)))
            }
        }
    }

    func recordLocalAnswer(_ head: HTTPRequestHead, error: ProxyHTTPError, since start: NIODeadline) {
        let recorder = self.recorder(authority: head.headers.first(name: "host")?.lowercased())
        let answer = error.answered(grpc: ProxyHeaders.isGRPC(head.headers))
        recorder.requestStarted()
        recorder.responded(status: answer.status, grpcStatus: answer.grpcStatus, error: error.kind.rawValue, since: start)
    }

    /// Upgrades between proxies travel as opaque mesh connections, never on the HTTP/2 one; a
    /// plaintext client's upgrade request goes to the application with the bytes after it.
    func takeOverUpgrade(_ head: HTTPRequestHead, context: ChannelHandlerContext) -> Bool {
        guard case .plaintext(_, let upgrade) = source else { return false }
        upgrade(RequestHeadEncoding.encode(head, allocator: context.channel.allocator), context)
        return true
    }

    private func recorder(authority: String?) -> RequestRecorder {
        // A connection's requests mostly share one authority: the last one's recorder is kept
        // rather than spelling out the table key every time.
        if let last = lastRecorder, last.authority == authority { return last.recorder }
        let recorder = state.recorders.recorder("in|\(port)|\(authority ?? "")|\(peerKey)") {
            TrafficLabels(direction: .inbound, peer: .src, authority: authority, targetAddress: targetAddress, tls: tls)
        }
        lastRecorder = (authority, recorder)
        return recorder
    }

    /// The client's part of a recorder's key: its identity, or that it has none.
    private var peerKey: String {
        switch source {
        case .mesh(let client): return client?.dnsName ?? ""
        case .plaintext: return "-plaintext"
        }
    }

    /// `HTTP/1.1` or `HTTP/1.0`, as the client proxy wrote the original version.
    static func version(_ text: String) -> HTTPVersion? {
        // What Tern's own client proxies send, answered without taking the text apart.
        if text == "HTTP/1.1" { return .http1_1 }
        switch text.split(separator: ";").first.map({ String($0.filter { $0 != " " }) }) {
        case "HTTP/1.1": return .http1_1
        case "HTTP/1.0": return .http1_0
        default: return nil
        }
    }
}
