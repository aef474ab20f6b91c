import NIOCore
import NIOPosix

/// Sends raw bytes to a loopback port and returns everything the server writes back until it
/// closes: a real client that can also send what no well-behaved client would.
enum RawHTTP {
    struct Response {
        let text: String
        var statusLine: Substring { text.split(separator: "\r\n", maxSplits: 1).first ?? "" }
        var status: Int? { statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
        var body: Substring {
            guard let range = text.firstRange(of: "\r\n\r\n") else { return "" }
            return text[range.upperBound...]
        }
        func header(_ name: String) -> Substring? {
            let head = text.firstRange(of: "\r\n\r\n").map { text[..<$0.lowerBound] } ?? text[...]
            for line in head.split(separator: "\r\n").dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                    return parts[1].drop { $0 == " " }
                }
            }
            return nil
        }
    }

    static func exchange(port: Int, _ request: String) async throws -> Response {
        try await exchange(port: port, bytes: Array(request.utf8))
    }

    static func exchange(port: Int, bytes: [UInt8]) async throws -> Response {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            var received = ByteBuffer()
            do {
                for try await var chunk in inbound { received.writeBuffer(&chunk) }
            } catch {
                // A reset after the server's answer still leaves the answer to inspect.
                if received.readableBytes == 0 { throw error }
            }
            return Response(text: String(buffer: received))
        }
    }

    static func get(port: Int, _ path: String) async throws -> Response {
        try await exchange(port: port, "GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    }

    static func send(port: Int, method: String, _ path: String, body: String) async throws -> Response {
        try await exchange(
            port: port,
            "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
    }
}
