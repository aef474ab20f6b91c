import GRPCCore

/// The application behind the server proxy in the gRPC tests: one method per call kind, plus
/// one that always fails with a status of its own. Written by hand (no .proto) with UTF-8 text
/// messages; `EchoGRPCService.Method` is shared with the client side.
struct EchoGRPCService: RegistrableRPCService {
    static let name = "tern.test.Echo"

    enum Method {
        /// Unary: answers the request's text.
        static let echo = MethodDescriptor(fullyQualifiedService: EchoGRPCService.name, method: "Echo")
        /// Server streaming: the request is "<count> <size>"; answers `count` messages, each
        /// "<index>:" padded with dots to `size` bytes, so the client can check their order.
        static let expand = MethodDescriptor(fullyQualifiedService: EchoGRPCService.name, method: "Expand")
        /// Client streaming: the requests are integers; answers their count and sum as "<count> <sum>".
        static let sum = MethodDescriptor(fullyQualifiedService: EchoGRPCService.name, method: "Sum")
        /// Bidirectional: every message is written back as soon as it arrives.
        static let chat = MethodDescriptor(fullyQualifiedService: EchoGRPCService.name, method: "Chat")
        /// Unary that always fails with `permissionDenied` and the message `deniedMessage`.
        static let deny = MethodDescriptor(fullyQualifiedService: EchoGRPCService.name, method: "Deny")
        /// Registered nowhere: the server answers `unimplemented`.
        static let missing = MethodDescriptor(fullyQualifiedService: EchoGRPCService.name, method: "Missing")
    }

    static let deniedMessage = "nope"

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        let coding = UTF8MessageCoding()
        router.registerHandler(forMethod: Method.echo, deserializer: coding, serializer: coding) { request, _ in
            let single = try await ServerRequest(stream: request)
            return StreamingServerResponse(single: ServerResponse(message: single.message))
        }
        router.registerHandler(forMethod: Method.expand, deserializer: coding, serializer: coding) { request, _ in
            let single = try await ServerRequest(stream: request)
            let numbers = single.message.split(separator: " ").compactMap { Int($0) }
            guard numbers.count == 2, numbers[0] >= 0, numbers[1] >= 0 else {
                return StreamingServerResponse(error: RPCError(code: .invalidArgument, message: "expected \"<count> <size>\""))
            }
            return StreamingServerResponse { writer in
                for index in 0..<numbers[0] { try await writer.write(Self.expanded(index, size: numbers[1])) }
                return [:]
            }
        }
        router.registerHandler(forMethod: Method.sum, deserializer: coding, serializer: coding) { request, _ in
            var count = 0
            var sum = 0
            for try await message in request.messages {
                count += 1
                sum += Int(message) ?? 0
            }
            return StreamingServerResponse(single: ServerResponse(message: "\(count) \(sum)"))
        }
        router.registerHandler(forMethod: Method.chat, deserializer: coding, serializer: coding) { request, _ in
            StreamingServerResponse { writer in
                for try await message in request.messages { try await writer.write(message) }
                return [:]
            }
        }
        router.registerHandler(forMethod: Method.deny, deserializer: coding, serializer: coding) { _, _ in
            throw RPCError(code: .permissionDenied, message: Self.deniedMessage)
        }
    }

    /// Message `index` of an `Expand` answer: "<index>:" then dots up to `size` bytes.
    static func expanded(_ index: Int, size: Int) -> String {
        let prefix = "\(index):"
        return prefix + String(repeating: ".", count: max(0, size - prefix.utf8.count))
    }
}
