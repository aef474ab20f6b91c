import NIOCore
import NIOHTTP1
import TernCore
import TernPolicy
import TernTLS

/// Routes the requests of one client connection on the outbound side. Each request is
/// resolved on its own (the destination override header, else the original destination, else
/// its authority), balanced over the destination's endpoints with power-of-two-choices over
/// peak-EWMA latency, and sent to a meshed endpoint as a stream on the shared mTLS HTTP/2
/// connection, to an unmeshed one in the client's own protocol. A request whose stream could
/// not be opened has sent nothing and goes to another endpoint.
final class OutboundHTTPForwarder: HTTPForwarder {
    private let environment: OutboundEnvironment
    private let loop: any EventLoop
    private let state: HTTPLoopState
    /// Nil in explicit mode: requests are routed by their authority.
    private let originalDestination: SocketAddress?
    private let clientProtocol: SessionProtocol
    /// The last target's discovery path and the last endpoint's recorder: a keep-alive
    /// connection asks about the same ones again and again, and spelling out their keys
    /// showed in the profile.
    private var lastPath: (target: OutboundTarget, path: String)?
    private var lastRecorder: (endpoint: String, authority: String?, identity: String?, recorder: RequestRecorder)?
    /// Hands an upgraded connection over to the opaque path (outbound connection setup).
    private let upgrade: (OutboundTarget, ByteBuffer, ChannelHandlerContext) -> Void

    init(environment: OutboundEnvironment, loop: any EventLoop, originalDestination: SocketAddress?,
         clientProtocol: SessionProtocol, upgrade: @escaping (OutboundTarget, ByteBuffer, ChannelHandlerContext) -> Void) {
        self.environment = environment
        self.loop = loop
        self.state = environment.http.on(loop)
        self.originalDestination = originalDestination
        self.clientProtocol = clientProtocol
        self.upgrade = upgrade
    }

    // MARK: Routing

    func dispatch(_ original: HTTPRequestHead, then done: @escaping Dispatching) {
        var head = original
        let authority: RequestAuthority?
        switch RequestAuthority.of(&head) {
        case .success(let found): authority = found
        case .failure(let error): return done(.failure(error))
        }
        let target: OutboundTarget
        switch logicalTarget(&head, authority: authority) {
        case .success(let found): target = found
        case .failure(let error): return done(.failure(error))
        }
        let chunked = ProxyHeaders.isChunked(head.headers) && !head.headers.contains(name: "content-length")
        ProxyHeaders.stripHopByHop(&head.headers)
        if chunked { head.headers.add(name: "transfer-encoding", value: "chunked") }
        let request = OutboundRequest(head: head, authority: authority?.text, target: target)
        guard let policies = environment.policies else { return route(request, handle: nil, done) }
        // A new destination waits for its policy's first answer once; later requests read it
        // without suspending.
        let path = discoveryPath(target)
        if let known = policies.cachedPolicy(for: path) { return route(request, handle: known, done) }
        loop.makeFutureWithTask { await policies.policy(for: path) }.assumeIsolated().whenComplete { result in
            switch result {
            case .success(let handle): self.route(request, handle: handle, done)
            case .failure(let error): done(.failure(error))
            }
        }
    }

    /// Applies the destination's policy (route and backend), then asks discovery.
    private func route(_ request: OutboundRequest, handle: PolicyHandle?, _ done: @escaping Dispatching) {
        let routed: OutboundRequest
        switch PolicyRouting.route(request, handle: handle) {
        case .success(let found): routed = found
        case .failure(let error): return done(.failure(error))
        }
        guard let resolver = environment.resolver else { return forward(routed, .unknown, done) }
        let path = discoveryPath(routed.target)
        if let known = resolver.resolveCached(path) { return forward(routed, known, done) }
        loop.makeFutureWithTask { await resolver.resolve(path) }.assumeIsolated().whenComplete { result in
            switch result {
            case .success(let resolution): self.forward(routed, resolution, done)
            case .failure(let error): done(.failure(error))
            }
        }
    }

    private func discoveryPath(_ target: OutboundTarget) -> String {
        if let last = lastPath, last.target == target { return last.path }
        let path = target.discoveryPath
        lastPath = (target, path)
        return path
    }

    private func forward(_ request: OutboundRequest, _ resolution: Resolution, _ done: @escaping Dispatching) {
        switch resolution {
        case .unknown:
            direct(request, done)
        case .noEndpoints:
            done(.failure(ProxyHTTPError(.noEndpoints, "no endpoints for \(request.target.discoveryPath)")))
        case .pool(let pool):
            balanced(request, pool: pool, tried: [], done)
        }
    }


    /// The override header wins (ingress controllers name the service they mean), then the
    /// address the client connected to, then the request's authority (explicit mode).
    private func logicalTarget(_ head: inout HTTPRequestHead, authority: RequestAuthority?) -> Result<OutboundTarget, ProxyHTTPError> {
        if let override = head.headers.first(name: ProxyHeaders.destinationOverride) {
            head.headers.remove(name: ProxyHeaders.destinationOverride)
            guard let named = RequestAuthority(override) else {
                return .failure(ProxyHTTPError(.badRequest, "malformed \(ProxyHeaders.destinationOverride) header"))
            }
            return .success(.authority(host: named.host, port: named.port))
        }
        if let originalDestination { return .success(.address(originalDestination)) }
        guard let authority else {
            return .failure(ProxyHTTPError(.badRequest, "the request names no authority (Host header or absolute URI)"))
        }
        return .success(.authority(host: authority.host, port: authority.port))
    }

    // MARK: Endpoints

    /// A destination discovery does not know: its own address (or name), in the client's protocol.
    private func direct(_ request: OutboundRequest, _ done: @escaping Dispatching) {
        let dial: DialTarget
        switch request.target {
        case .address(let address):
            dial = .plain(address)
        case .authority(let host, let port):
            dial = (try? SocketAddress(ipAddress: host, port: port)).map { .plain($0) } ?? .name(host: host, port: port)
        }
        let route: UpstreamRoute = clientProtocol == .http2 ? .multiplexed(dial) : .http1(dial)
        let path = request.target.discoveryPath
        let recorder = state.recorders.recorder("direct|\(path)|\(request.authority ?? "")") {
            TrafficLabels(direction: .outbound, peer: .dst, authority: request.authority, targetAddress: path,
                          tls: .noIdentity(.notProvidedByServiceDiscovery))
        }
        // Connection labels are built only when a new connection is dialled (autoclosure).
        state.sessions.open(route, labels: TrafficLabels(
            direction: .outbound, peer: .dst, targetAddress: path, tls: .noIdentity(.notProvidedByServiceDiscovery))
        ) { result in
            switch result {
            case .success(let lease):
                done(.success(Dispatched(lease: lease, head: request.head, recorder: recorder, feedback: nil)))
            case .failure(let error):
                done(.failure(Self.describe(error, endpoint: path)))
            }
        }
    }


    private func balanced(_ request: OutboundRequest, pool: EndpointPool, tried: Set<String>, _ done: @escaping Dispatching) {
        guard let endpoint = pool.pick(excluding: tried),
              let address = try? SocketAddress(ipAddress: endpoint.address, port: endpoint.port)
        else {
            return done(.failure(ProxyHTTPError(.noEndpoints, "no endpoints available for \(request.target.discoveryPath)")))
        }
        var head = request.head
        let route: UpstreamRoute
        let tls: TLSLabel
        if environment.dialer.tls != nil, let name = endpoint.identity, let identity = state.identity(name),
           let transportPort = endpoint.opaqueTransportPort,
           let proxyAddress = try? SocketAddress(ipAddress: endpoint.address, port: transportPort) {
            let header = TransportHeader(port: UInt16(endpoint.port), name: request.target.name, sessionProtocol: .http2)
            route = .multiplexed(.mesh(proxyAddress, identity: identity, header: header))
            tls = .established(peer: identity)
            if clientProtocol == .http1 {
                head.headers.remove(name: "transfer-encoding")
                head.headers.add(name: ProxyHeaders.originalProtocol, value: "HTTP/\(head.version.major).\(head.version.minor)")
            }
        } else {
            route = clientProtocol == .http2 ? .multiplexed(.plain(address)) : .http1(.plain(address))
            tls = .noIdentity(.notProvidedByServiceDiscovery)
        }
        let recorder: RequestRecorder
        if let last = lastRecorder, last.endpoint == endpoint.socketAddress, last.authority == request.authority,
           last.identity == endpoint.identity {
            recorder = last.recorder
        } else {
            recorder = state.recorders.recorder("\(endpoint.socketAddress)|\(request.authority ?? "")|\(endpoint.identity ?? "")") {
                TrafficLabels(direction: .outbound, peer: .dst, authority: request.authority, targetAddress: endpoint.socketAddress,
                              tls: tls, destination: pool.labels.merging(endpoint.labels) { _, own in own })
            }
            lastRecorder = (endpoint.socketAddress, request.authority, endpoint.identity, recorder)
        }
        let feedback = EndpointFeedback(pool: pool, endpoint: endpoint)
        let sendHead = head
        // Connection labels (a dictionary merge) are built only when a new connection is
        // dialled, not per request (autoclosure).
        state.sessions.open(route, labels: TrafficLabels(
            direction: .outbound, peer: .dst, targetAddress: endpoint.socketAddress, tls: tls,
            destination: pool.labels.merging(endpoint.labels) { _, own in own })
        ) { result in
            switch result {
            case .success(let lease):
                done(.success(Dispatched(lease: lease, head: sendHead, recorder: recorder, feedback: feedback)))
            case .failure(let error):
                feedback.failed()
                self.environment.logger.debug("upstream stream failed", metadata: [
                    "endpoint": "\(endpoint.socketAddress)", "error": "\(error)"])
                var tried = tried
                tried.insert(endpoint.socketAddress)
                guard tried.count < self.environment.maxConnectAttempts, tried.count < pool.endpoints.count else {
                    return done(.failure(Self.describe(error, endpoint: endpoint.socketAddress)))
                }
                self.balanced(request, pool: pool, tried: tried, done)
            }
        }
    }

    /// A connect failure in the words `l5d-proxy-error` uses.
    static func describe(_ error: any Error, endpoint: String) -> ProxyHTTPError {
        if let proxyError = error as? ProxyHTTPError { return proxyError }
        if let rejection = error as? HandshakeRejection, case .identityMismatch = rejection {
            return ProxyHTTPError(.identityMismatch, "\(endpoint): \(rejection)", unsent: true)
        }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return ProxyHTTPError(.timeout, "connect to \(endpoint) timed out", unsent: true)
        }
        return ProxyHTTPError(.connectFailed, "connect to \(endpoint) failed: \(error)", unsent: true)
    }

    // MARK: The rest of the protocol

    func recordLocalAnswer(_ head: HTTPRequestHead, error: ProxyHTTPError, since start: NIODeadline) {
        let authority = head.headers.first(name: "host")?.lowercased()
        let target = originalDestination.map { OutboundTarget.address($0).discoveryPath }
        let recorder = state.recorders.recorder("local|\(target ?? "")|\(authority ?? "")") {
            TrafficLabels(direction: .outbound, peer: .dst, authority: authority, targetAddress: target,
                          tls: .noIdentity(.notProvidedByServiceDiscovery))
        }
        let answer = error.answered(grpc: ProxyHeaders.isGRPC(head.headers))
        recorder.requestStarted()
        recorder.responded(status: answer.status, grpcStatus: answer.grpcStatus, error: error.kind.rawValue, since: start)
    }

    func takeOverUpgrade(_ head: HTTPRequestHead, context: ChannelHandlerContext) -> Bool {
        var head = head
        guard case .success(let authority) = RequestAuthority.of(&head),
              case .success(let target) = logicalTarget(&head, authority: authority)
        else { return false }
        upgrade(target, RequestHeadEncoding.encode(head, allocator: context.channel.allocator), context)
        return true
    }
}

/// A request ready for balancing: its head as it will be sent, the authority for metrics and
/// the logical target discovery is asked about.
struct OutboundRequest {
    var head: HTTPRequestHead
    var authority: String?
    var target: OutboundTarget
}

/// Per event loop state of the HTTP side: upstream connections and metric handles.
final class HTTPLoopState {
    let sessions: UpstreamSessions
    let recorders: RequestRecorders
    /// Endpoint identities as parsed once: validating a DNS name on every request showed in
    /// the profile.
    private var identities: [String: MeshIdentity] = [:]

    init(sessions: UpstreamSessions, recorders: RequestRecorders) {
        self.sessions = sessions
        self.recorders = recorders
    }

    func identity(_ name: String) -> MeshIdentity? {
        if let known = identities[name] { return known }
        guard let parsed = try? MeshIdentity(dnsName: name) else { return nil }
        if identities.count >= 4096 { identities.removeAll(keepingCapacity: true) }
        identities[name] = parsed
        return parsed
    }
}
