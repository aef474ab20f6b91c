import Foundation
import TernLocal

#if canImport(Glibc)
import Glibc
#endif

/// A plain blocking TCP socket for tests: the application side of proxied connections. Each
/// blocking call runs on its own thread (see `offPool`) so the cooperative pool stays free.
final class BlockingSocket: @unchecked Sendable {
    let fd: Int32
    private let closed = NSLock()
    private var isClosed = false

    init(fd: Int32) { self.fd = fd }

    /// Connects to an IPv4 address, with a receive timeout so a test never hangs on a read.
    /// With `namespace`, the socket is made inside that network namespace (the application
    /// of a transparent-mode workload).
    static func connect(host: String, port: Int, namespace: String? = nil, timeout: TimeInterval = 20) throws -> BlockingSocket {
        let fd = try namespace.map { try NetworkNamespaceSocket.tcp(in: $0) } ?? socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw HarnessError("connect \(host):\(port): errno \(code)")
        }
        let socket = BlockingSocket(fd: fd)
        socket.setTimeout(timeout)
        return socket
    }

    func setTimeout(_ seconds: TimeInterval) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw HarnessError("send: errno \(errno)") }
            offset += n
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// One read: nil at end of stream, throws on error or timeout.
    func receive(max: Int = 65536) throws -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: max)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, max, 0) }
        if n == 0 { return nil }
        guard n > 0 else { throw HarnessError("recv: errno \(errno)") }
        return Array(buffer[..<n])
    }

    /// Reads until end of stream.
    func receiveAll() throws -> [UInt8] {
        var out: [UInt8] = []
        while let chunk = try receive() { out += chunk }
        return out
    }

    /// Reads exactly `count` bytes (or fewer if the stream ends).
    func receive(exactly count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        while out.count < count, let chunk = try receive(max: min(65536, count - out.count)) { out += chunk }
        return out
    }

    /// Reads up to and including the first blank line (an HTTP response head).
    func receiveHead() throws -> String {
        var out: [UInt8] = []
        while !out.suffix(4).elementsEqual([13, 10, 13, 10]), let byte = try receive(max: 1) { out += byte }
        return String(decoding: out, as: UTF8.self)
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Closes once; a second call (or the deinit after an explicit close) does nothing, so a
    /// descriptor number reused by another socket is never closed by mistake.
    func close() {
        let first = closed.withLock { () -> Bool in
            defer { isClosed = true }
            return !isClosed
        }
        if first { Glibc.close(fd) }
    }

    deinit { close() }
}

/// Runs blocking work on a fresh thread and awaits it, so tests that wait on sockets or
/// child processes never tie up the cooperative pool that other tests' tasks need.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
