import NIOCore
import NIOHTTP1
import NIOPosix

/// The demo workloads' HTTP/1.1 client: one GET per connection. With a proxy (explicit mode's
/// `HTTP_PROXY`) it sends the absolute form to the proxy; without one it connects to the
/// host itself, whose name the network namespace's hosts file resolves to a cluster IP.
public struct MiniHTTPClient: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var body: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Where requests go instead of the target host (explicit mode).
    public var proxy: (host: String, port: Int)?
    public var timeout: Duration

    public init(proxy: (host: String, port: Int)? = nil, timeout: Duration = .seconds(3)) {
        self.proxy = proxy
        self.timeout = timeout
    }

    /// The client the process environment asks for: `HTTP_PROXY` (or `http_proxy`) when set.
    public static func fromEnvironment(_ environment: [String: String]) -> MiniHTTPClient {
        let value = environment["HTTP_PROXY"] ?? environment["http_proxy"]
        return MiniHTTPClient(proxy: value.flatMap(HTTPURL.init(parsing:)).map { ($0.host, $0.port) })
    }

    public func get(_ url: HTTPURL) async throws -> Response {
        let deadline = timeout
        return try await withThrowingTaskGroup(of: Response.self) { group in
            group.addTask { try await exchange(url) }
            group.addTask {
                try await Task.sleep(for: deadline)
                throw Failure(description: "no answer from \(url) within \(deadline)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private func exchange(_ url: HTTPURL) async throws -> Response {
        let target = proxy ?? (url.host, url.port)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(2))
            .connect(host: target.host, port: target.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var headers = HTTPHeaders()
            headers.add(name: "host", value: url.authority)
            headers.add(name: "connection", value: "close")
            let uri = proxy == nil ? url.path : url.description
            try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)))
            try await outbound.write(.end(nil))
            var status = 0
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let head): status = Int(head.status.code)
                case .body(var chunk): body.writeBuffer(&chunk)
                case .end: return Response(status: status, body: String(buffer: body))
                }
            }
            throw Failure(description: "\(url): the connection closed before the response ended")
        }
    }
}
