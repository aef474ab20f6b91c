import Foundation
import TernLocal

#if canImport(Glibc)
import Glibc
#endif

/// A real TCP server for proxy tests, one thread per connection. What it does with each
/// connection is fixed per server so a test reads as "client → proxies → echo server".
final class TCPTestServer: @unchecked Sendable {
    enum Behavior: Sendable {
        /// Writes back everything it reads; at end of input, finishes writing and closes.
        case echo
        /// Reads to end of input, then answers with the byte count and a newline, then closes
        /// (proves half-close: the client shut its write side and still reads the answer).
        case count
        /// Writes `bytes` bytes of a known pattern, then closes.
        case source(bytes: Int)
    }

    let port: Int
    private let listener: Int32
    private let behavior: Behavior
    private let lock = NSLock()
    private var connections: [Int32] = []
    private var accepted = 0
    private var stopped = false

    init(host: String = "127.0.0.1", port: Int = 0, namespace: String? = nil, behavior: Behavior) throws {
        self.behavior = behavior
        let listener = try namespace.map { try NetworkNamespaceSocket.tcp(in: $0) } ?? socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 128) == 0 else { throw HarnessError("test server bind/listen: errno \(errno)") }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    var acceptedCount: Int { lock.withLock { accepted } }

    /// Stops accepting and resets every open connection (an endpoint dying mid-stream).
    func kill() {
        let open = lock.withLock { () -> [Int32] in
            stopped = true
            return connections
        }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for fd in open {
            // SO_LINGER 0 turns the close into a reset, as a crashed process's would be.
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            shutdown(fd, Int32(SHUT_RDWR))
        }
    }

    deinit { kill() }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 { return }
            let keep = lock.withLock { () -> Bool in
                if stopped { return false }
                connections.append(fd)
                accepted += 1
                return true
            }
            guard keep else { close(fd); return }
            let behavior = self.behavior
            let thread = Thread { [self] in
                Self.serve(fd, behavior)
                lock.withLock { connections.removeAll { $0 == fd } }
                close(fd)
            }
            thread.start()
        }
    }

    /// Byte `i` of every generated stream is `i % 251`: cheap to produce and to check, and
    /// a prime period catches dropped, duplicated or reordered chunks of any power-of-two size.
    private static let block: [UInt8] = (0..<(65536 + 251)).map { UInt8($0 % 251) }

    static func pattern(_ count: Int, offset: Int = 0) -> ArraySlice<UInt8> {
        precondition(count <= 65536)
        let start = offset % 251
        return block[start..<(start + count)]
    }

    /// Whether `bytes` is the pattern starting at stream offset `offset`.
    static func matchesPattern(_ bytes: [UInt8], offset: Int = 0) -> Bool {
        var index = offset % 251
        for byte in bytes {
            if byte != UInt8(index) { return false }
            index = index == 250 ? 0 : index + 1
        }
        return true
    }

    private static func serve(_ fd: Int32, _ behavior: Behavior) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        switch behavior {
        case .echo:
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                guard writeAll(fd, buffer[..<n]) else { return }
            }
        case .count:
            var total = 0
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                total += n
            }
            _ = writeAll(fd, Array("\(total)\n".utf8)[...])
        case .source(let bytes):
            var sent = 0
            while sent < bytes {
                let chunk = pattern(min(65536, bytes - sent), offset: sent)
                guard writeAll(fd, chunk) else { return }
                sent += chunk.count
            }
        }
        shutdown(fd, Int32(SHUT_WR))
    }

    private static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}
