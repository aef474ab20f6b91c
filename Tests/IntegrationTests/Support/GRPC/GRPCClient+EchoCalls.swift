import GRPCCore

/// The calls of `EchoGRPCService` as plain async functions. A call that ends with a non-OK
/// status throws that status as an `RPCError`. `timeout` bounds every call, so a proxy that
/// holds a stream never hangs the test.
extension GRPCClient {
    static var callOptions: CallOptions {
        var options = CallOptions.defaults
        options.timeout = .seconds(60)
        return options
    }

    func echo(_ text: String, method: MethodDescriptor = EchoGRPCService.Method.echo,
              options: CallOptions = callOptions) async throws -> String {
        try await unary(request: ClientRequest(message: text), descriptor: method,
                        serializer: UTF8MessageCoding(), deserializer: UTF8MessageCoding(),
                        options: options) { try $0.message }
    }

    /// Server streaming: every message of an `Expand` answer, in the order they arrived.
    func expand(count: Int, size: Int) async throws -> [String] {
        try await serverStreaming(request: ClientRequest(message: "\(count) \(size)"), descriptor: EchoGRPCService.Method.expand,
                                  serializer: UTF8MessageCoding(), deserializer: UTF8MessageCoding(),
                                  options: Self.callOptions) { response in
            var received: [String] = []
            for try await message in response.messages { received.append(message) }
            return received
        }
    }

    /// Client streaming: sends `numbers` one message each; returns the server's "<count> <sum>".
    func sum(_ numbers: [Int]) async throws -> String {
        let request = StreamingClientRequest(of: String.self) { writer in
            for number in numbers { try await writer.write(String(number)) }
        }
        return try await clientStreaming(request: request, descriptor: EchoGRPCService.Method.sum,
                                         serializer: UTF8MessageCoding(), deserializer: UTF8MessageCoding(),
                                         options: Self.callOptions) { try $0.message }
    }
}

extension GRPCClient {
    /// Bidirectional in lock step: message n+1 is written only once the echo of message n has
    /// come back. It can only finish if the proxies forward each message while the stream is
    /// open in both directions; a proxy that waited for the end of the request would stall it
    /// until the call's deadline. Returns the echoes in arrival order.
    func chatInLockStep(_ messages: [String]) async throws -> [String] {
        let (echoes, echoed) = AsyncStream<String>.makeStream()
        let request = StreamingClientRequest(of: String.self) { writer in
            var nextEcho = echoes.makeAsyncIterator()
            for message in messages {
                try await writer.write(message)
                guard await nextEcho.next() != nil else { return }
            }
        }
        return try await bidirectionalStreaming(request: request, descriptor: EchoGRPCService.Method.chat,
                                                serializer: UTF8MessageCoding(), deserializer: UTF8MessageCoding(),
                                                options: Self.callOptions) { response in
            // However the response ends, the writer must stop waiting for another echo.
            defer { echoed.finish() }
            var received: [String] = []
            for try await message in response.messages {
                received.append(message)
                echoed.yield(message)
            }
            return received
        }
    }
}
