import NIOCore

extension SocketAddress {
    /// 127.0.0.0/8, ::1, or an IPv4-mapped loopback address (`::ffff:127.0.0.1`, which a
    /// dual-stack listener reports for IPv4 peers).
    var isLoopback: Bool {
        switch self {
        case .v4(let address):
            return withUnsafeBytes(of: address.address.sin_addr) { $0[0] == 127 }
        case .v6(let address):
            return withUnsafeBytes(of: address.address.sin6_addr) { raw in
                let bytes = Array(raw)
                let zeroPrefix = bytes[0..<10].allSatisfy { $0 == 0 }
                if zeroPrefix && bytes[10..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
                return zeroPrefix && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
            }
        case .unixDomainSocket:
            // Reaching a Unix socket already requires access to the pod's filesystem.
            return true
        }
    }
}
