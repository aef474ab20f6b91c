import NIOCore
import NIOHTTP1
import NIOPosix

/// A response of the demo workloads: always complete, never streamed.
public struct MiniHTTPResponse: Sendable {
    public var status: HTTPResponseStatus
    public var contentType: String
    public var body: String

    public init(status: HTTPResponseStatus = .ok, contentType: String = "application/json", body: String) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// A small HTTP/1.1 server for the demo workloads: one handler for every request, keep-alive
/// honoured, bodies of requests ignored (the workloads only answer GETs). Structured: `run()`
/// serves until its task is cancelled, each connection a child task.
public struct MiniHTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPRequestHead) async -> MiniHTTPResponse

    public let host: String
    public let port: Int
    let handler: Handler

    public init(host: String, port: Int, handler: @escaping Handler) {
        self.host = host
        self.port = port
        self.handler = handler
    }

    public func run() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask { try? await serve(connection) }
                }
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var request: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let head): request = head
                case .body: continue
                case .end:
                    guard let head = request else { return }
                    let response = await handler(head)
                    var headers = HTTPHeaders()
                    headers.add(name: "content-type", value: response.contentType)
                    headers.add(name: "content-length", value: "\(response.body.utf8.count)")
                    if !head.isKeepAlive { headers.add(name: "connection", value: "close") }
                    try await outbound.write(.head(HTTPResponseHead(version: head.version, status: response.status, headers: headers)))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(string: response.body))))
                    try await outbound.write(.end(nil))
                    if !head.isKeepAlive { return }
                    request = nil
                }
            }
        }
    }
}
