import NIOCore
import NIOHTTP1

/// Writes an HTTP/1 request head back to bytes, for a connection that leaves HTTP handling
/// (an upgrade) and continues as an opaque stream: the upstream must see the request the
/// client sent.
enum RequestHeadEncoding {
    static func encode(_ head: HTTPRequestHead, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 256)
        buffer.writeString(head.method.rawValue)
        buffer.writeString(" ")
        buffer.writeString(head.uri)
        buffer.writeString(" HTTP/\(head.version.major).\(head.version.minor)\r\n")
        for (name, value) in head.headers {
            buffer.writeString(name)
            buffer.writeString(": ")
            buffer.writeString(value)
            buffer.writeString("\r\n")
        }
        buffer.writeString("\r\n")
        return buffer
    }
}
