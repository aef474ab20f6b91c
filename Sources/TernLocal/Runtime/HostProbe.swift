import Foundation

/// Reads what the host offers: the real counterpart of `HostCapabilities`' pure decisions.
public enum HostProbe {
    public static let transparentTools = ["ip", "iptables-restore", "iptables-save", "setpriv"]

    public static func capabilities() -> HostCapabilities {
        #if os(Linux)
        let linux = true
        #else
        let linux = false
        #endif
        let missing = transparentTools.filter { (try? ProcessRunner.locate($0)) == nil }
        return HostCapabilities(isLinux: linux, isRoot: getuid() == 0, missingTools: missing)
    }

    /// A free TCP port on `host`, found by binding port 0. The port is free when this returns;
    /// the runtime hands it to its child at once.
    public static func freePort(host: String = "127.0.0.1") -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return nil }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether `port` on `host` can be bound right now.
    public static func isPortFree(_ port: Int, host: String = "127.0.0.1") -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
