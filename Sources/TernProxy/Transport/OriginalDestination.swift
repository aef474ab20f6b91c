import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where a connection was headed before iptables redirected it to the proxy.
enum OriginalDestination {
    /// `SO_ORIGINAL_DST` (<linux/netfilter_ipv4.h>) and `IP6T_SO_ORIGINAL_DST`
    /// (<linux/netfilter_ipv6/ip6_tables.h>) share the value 80; Glibc does not export either.
    private static let optionName: SocketOptionName = 80

    /// The original destination of `channel`, or nil when the connection was not redirected:
    /// conntrack knows nothing of it (ENOENT), or it names the listener itself (an explicit-mode
    /// client that connected to the proxy's port directly). Must run on the channel's loop,
    /// where the lookup completes synchronously.
    static func of(_ channel: any Channel) -> SocketAddress? {
        guard let provider = channel as? any SocketOptionProvider, let local = channel.localAddress else { return nil }
        let found: SocketAddress?
        switch local {
        case .v4:
            let future: EventLoopFuture<sockaddr_in> = provider.unsafeGetSocketOption(
                level: SocketOptionLevel(IPPROTO_IP), name: optionName)
            found = (try? future.wait0()).map { SocketAddress($0, host: "") }
        case .v6:
            let future: EventLoopFuture<sockaddr_in6> = provider.unsafeGetSocketOption(
                level: SocketOptionLevel(IPPROTO_IPV6), name: optionName)
            found = (try? future.wait0()).map { SocketAddress($0, host: "") }
        case .unixDomainSocket:
            return nil
        }
        guard let found, found != local else { return nil }
        return found
    }
}

extension EventLoopFuture {
    /// The value of a future already completed on the current loop. `SocketOptionProvider`
    /// completes synchronously when called on the channel's own loop, so this never blocks;
    /// anything else is a programming error caught here rather than a deadlock.
    fileprivate func wait0() throws -> Value {
        var result: Result<Value, any Error>?
        assumeIsolated().whenComplete { result = $0 }
        guard let result else { Swift.preconditionFailure("socket option lookup did not complete synchronously") }
        return try result.get()
    }
}
