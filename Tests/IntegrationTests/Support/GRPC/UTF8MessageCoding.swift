import GRPCCore

/// gRPC messages as plain UTF-8 text, so the test service needs no protobuf code generation:
/// the proxies never look inside a message, only at the gRPC framing around it.
struct UTF8MessageCoding: MessageSerializer, MessageDeserializer {
    typealias Message = String

    func serialize<Bytes: GRPCContiguousBytes>(_ message: String) throws -> Bytes {
        Bytes(message.utf8)
    }

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> String {
        serializedMessageBytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }
}
