import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The TCP metrics of one proxied connection (one side of a splice): bytes each way, and one
/// open/close pair with the errno of the failure that ended it, if any. A value owned by the
/// channel's handler, so recording is a few atomic adds with no lookups.
struct ConnectionMeter {
    private let metrics: TCPConnectionMetrics?
    private var errno: Int32?
    private var isOpen = false

    /// Counts the open at once: the connection exists from the moment it is accepted or dialled.
    init(_ metrics: TCPConnectionMetrics?) {
        self.metrics = metrics
        if let metrics {
            metrics.opened()
            isOpen = true
        }
    }

    /// A meter that records nothing (connections the proxy refuses before proxying).
    static let none = ConnectionMeter(nil)

    func read(_ count: Int) { metrics?.bytesRead(count) }

    func wrote(_ count: Int) { metrics?.bytesWritten(count) }

    /// Remembers why the connection is failing; the close that follows carries it.
    mutating func failed(_ error: any Error) {
        if errno == nil { errno = Self.errno(of: error) }
    }

    mutating func closed() {
        guard isOpen else { return }
        isOpen = false
        metrics?.closed(errno: errno)
    }

    /// The errno behind a NIO error; other failures (TLS alerts, protocol errors) have none and
    /// count as `EPROTO` so a failed close is still told apart from a clean one.
    static func errno(of error: any Error) -> Int32 {
        if let io = error as? IOError { return io.errnoCode }
        return EPROTO
    }
}
