import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A small HTTP/1.1 server for operators and probes: `GET /ready`, `/live`, `/metrics`. The
/// answers come from a closure so the server knows nothing about what it reports on.
public final class AdminServer: ServiceLifecycle.Service, Sendable {
    public struct Response: Sendable {
        public var status: HTTPResponseStatus
        public var contentType: String
        public var body: String

        public init(status: HTTPResponseStatus = .ok, contentType: String = "text/plain; charset=utf-8", body: String) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }
    }

    public typealias Handler = @Sendable (_ method: HTTPMethod, _ path: String) async -> Response

    let host: String
    let port: Int
    let handler: Handler
    let logger: Logger
    private let bound = Mutex<Int?>(nil)

    public init(host: String, port: Int, logger: Logger, handler: @escaping Handler) {
        self.host = host
        self.port = port
        self.logger = logger
        self.handler = handler
    }

    /// The bound port once listening (port 0 lets the kernel pick, for tests).
    public var boundPort: Int? { bound.withLock { $0 } }

    public func run() async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: child)
                }
            }
        bound.withLock { $0 = channel.channel.localAddress?.port }
        logger.info("admin server listening", metadata: ["address": "\(host):\(boundPort ?? port)"])
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await channel.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            channel.channel.close(promise: nil)
        }
    }

    /// One connection: requests in order, keep-alive honoured; bodies of requests are ignored
    /// (the admin API takes none), and a malformed request closes the connection.
    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let h): head = h
                case .body: continue
                case .end:
                    guard let h = head else { continue }
                    let path = h.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? h.uri
                    let response = await handler(h.method, path)
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: response.contentType)
                    headers.add(name: "Content-Length", value: "\(response.body.utf8.count)")
                    if !h.isKeepAlive { headers.add(name: "Connection", value: "close") }
                    try await outbound.write(.head(HTTPResponseHead(version: h.version, status: response.status, headers: headers)))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(string: response.body))))
                    try await outbound.write(.end(nil))
                    if !h.isKeepAlive { return }
                    head = nil
                }
            }
        }
    }
}
