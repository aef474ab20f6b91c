import Foundation
import Glibc
import Synchronization
import TernLocal

/// IPv4 TCP sockets created inside a named network namespace (by TernLocal's
/// `NetworkNamespaceSocket`), for checking where the kernel really sends a connection.
enum NamespaceSocket {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ what: String, _ code: Int32 = errno) { description = "\(what): \(String(cString: strerror(code)))" }
        init(described: String) { description = described }
    }

    /// `SO_ORIGINAL_DST` from <linux/netfilter_ipv4.h>: where a redirected connection was headed.
    private static let soOriginalDst: Int32 = 80

    static func tcp(in namespace: String) throws -> Int32 {
        do {
            return try NetworkNamespaceSocket.tcp(in: namespace)
        } catch {
            throw Failure(described: "\(error)")
        }
    }

    static func listen(_ fd: Int32, port: UInt16) throws {
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddrIn("0.0.0.0", port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Failure("bind :\(port)") }
        guard Glibc.listen(fd, 8) == 0 else { throw Failure("listen") }
        try setTimeout(fd, SO_RCVTIMEO)
    }

    /// Connects with a two-second limit; returns errno on failure (ECONNREFUSED, ETIMEDOUT…), 0 on success.
    static func connect(_ fd: Int32, to host: String, port: UInt16) throws -> Int32 {
        try setTimeout(fd, SO_SNDTIMEO)
        var address = sockaddrIn(host, port)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return status == 0 ? 0 : errno
    }

    /// Accepts one connection within the receive timeout and returns where it was originally headed.
    static func acceptOriginalDestination(_ fd: Int32) throws -> String {
        let conn = accept(fd, nil, nil)
        guard conn >= 0 else { throw Failure("accept") }
        defer { close(conn) }
        var original = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard getsockopt(conn, Int32(IPPROTO_IP), soOriginalDst, &original, &length) == 0 else { throw Failure("SO_ORIGINAL_DST") }
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        inet_ntop(AF_INET, &original.sin_addr, &text, socklen_t(INET_ADDRSTRLEN))
        let host = text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return "\(host):\(UInt16(bigEndian: original.sin_port))"
    }

    private static func setTimeout(_ fd: Int32, _ option: Int32) throws {
        var limit = timeval(tv_sec: 2, tv_usec: 0)
        guard setsockopt(fd, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size)) == 0 else { throw Failure("setsockopt") }
    }

    private static func sockaddrIn(_ host: String, _ port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        return address
    }
}
