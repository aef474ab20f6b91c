#if canImport(Glibc)
import Glibc

/// Tells the directory source that something under the directory changed, using Linux's
/// inotify, so a change is picked up within milliseconds instead of at the next poll. The
/// descriptor is non-blocking: `drain()` only reads what is queued, never waits, so no thread
/// is ever parked on it. Watches are added recursively and refreshed on every full scan, so
/// new subdirectories are covered.
final class DirectoryChangeNotifier {
    private let fd: Int32
    private static let mask = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_ATTRIB)

    /// Nil where inotify is unavailable (limits reached, not Linux): the source then polls.
    init?(directory: String) {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        watch(directory)
    }

    deinit { close(fd) }

    /// Adds watches for `directory` and every directory below it (re-adding is harmless).
    func watch(_ directory: String) {
        guard inotify_add_watch(fd, directory, Self.mask) >= 0, let dir = opendir(directory) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard !name.hasPrefix("."), entry.pointee.d_type == UInt8(DT_DIR) else { continue }
            watch(directory + "/" + name)
        }
    }

    /// True when events were queued since the last call; consumes them.
    func drain() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 8192)
        var any = false
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return any }
            any = true
        }
    }
}
#endif
