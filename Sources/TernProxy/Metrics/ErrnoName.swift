#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `errno` label value: the symbolic name linkerd2-proxy reports for the failures a proxy
/// sees on sockets, or the number for anything else.
enum ErrnoName {
    private static let names: [Int32: String] = [
        ECONNRESET: "ECONNRESET", ECONNREFUSED: "ECONNREFUSED", ECONNABORTED: "ECONNABORTED",
        ETIMEDOUT: "ETIMEDOUT", EPIPE: "EPIPE", EHOSTUNREACH: "EHOSTUNREACH",
        ENETUNREACH: "ENETUNREACH", ENETDOWN: "ENETDOWN", EADDRINUSE: "EADDRINUSE",
        EADDRNOTAVAIL: "EADDRNOTAVAIL", EMFILE: "EMFILE", ENFILE: "ENFILE", ENOBUFS: "ENOBUFS",
    ]

    static func name(of code: Int32) -> String {
        names[code] ?? String(code)
    }
}
