import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Sockets that live in a named network namespace (`/run/netns/NAME`) while the process
/// stays where it is. A socket belongs to the namespace it was created in, whichever thread
/// uses it later, so only its creation happens on a short-lived thread that joined the
/// namespace; that thread then ends and nothing else ever runs inside the namespace.
public enum NetworkNamespaceSocket {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ what: String, _ code: Int32 = errno) { description = "\(what): \(String(cString: strerror(code)))" }
    }

    /// `setns(2)`: Glibc's module map does not export it (it needs _GNU_SOURCE), so it is looked up.
    private typealias SetNS = @convention(c) (Int32, Int32) -> Int32
    private static let cloneNewNet: Int32 = 0x4000_0000

    /// A new IPv4 TCP socket in `namespace`.
    public static func tcp(in namespace: String) throws -> Int32 {
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
}
