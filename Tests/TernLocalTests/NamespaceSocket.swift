import Foundation
import Glibc
import Synchronization

/// IPv4 TCP sockets created inside a named network namespace, for checking where the kernel
/// really sends a connection. A socket belongs to the namespace it was created in, whichever
/// thread uses it later, so only creation happens on a short-lived thread that joined the
/// namespace; that thread then ends and no other work ever runs inside the namespace.
enum NamespaceSocket {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ what: String, _ code: Int32 = errno) { description = "\(what): \(String(cString: strerror(code)))" }
    }

    /// `setns(2)`: Glibc's module map does not export it (it needs _GNU_SOURCE), so it is looked up.
    private typealias SetNS = @convention(c) (Int32, Int32) -> Int32
    private static let cloneNewNet: Int32 = 0x4000_0000
    /// `SO_ORIGINAL_DST` from <linux/netfilter_ipv4.h>: where a redirected connection was headed.
    private static let soOriginalDst: Int32 = 80

    static func tcp(in namespace: String) throws -> Int32 {
        let result = Mutex<Result<Int32, Failure>>(.failure(Failure("thread did not run", 0)))
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            result.withLock { $0 = makeSocket(in: namespace) }
            done.signal()
        }
        thread.start()
        done.wait()
        return try result.withLock { $0 }.get()
    }

    private static func makeSocket(in namespace: String) -> Result<Int32, Failure> {
        guard let symbol = dlsym(nil, "setns") else { return .failure(Failure("setns not found", 0)) }
        let setns = unsafeBitCast(symbol, to: SetNS.self)
        let nsFD = open("/run/netns/\(namespace)", O_RDONLY)
        guard nsFD >= 0 else { return .failure(Failure("open /run/netns/\(namespace)")) }
        defer { close(nsFD) }
        guard setns(nsFD, cloneNewNet) == 0 else { return .failure(Failure("setns")) }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        return fd >= 0 ? .success(fd) : .failure(Failure("socket"))
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
