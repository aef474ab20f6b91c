import Foundation

/// Watches a directory of manifests and turns file creation, change and deletion into
/// apply/delete events. On Linux, inotify says when to look (checked every few milliseconds
/// without blocking); a full scan also runs every `interval` regardless, which covers file
/// systems where notifications do not arrive (some bind and network mounts) and is all there
/// is elsewhere. A scan compares size, mtime and inode, then content when those move or are
/// recent, so editors that replace files by rename are handled.
public struct DirectorySource: Sendable {
    public let directory: String
    public var interval: Duration
    /// How often pending notifications are checked.
    public var notificationCheck: Duration = .milliseconds(5)

    public init(directory: String, interval: Duration = .milliseconds(500)) {
        self.directory = directory
        self.interval = interval
    }

    /// Scans until cancelled, calling `deliver` with each non-empty batch. The first batch
    /// holds the directory's initial state and ends with `.synced`.
    public func run(_ deliver: @Sendable ([SourceEvent]) async -> Void) async throws {
        var tracker = DirectoryTracker()
        var scanner = DirectoryScanner(directory: directory)
        #if canImport(Glibc)
        let notifier = DirectoryChangeNotifier(directory: directory)
        #endif
        var first = true
        while !Task.isCancelled {
            #if canImport(Glibc)
            notifier?.watch(directory)
            _ = notifier?.drain()
            #endif
            let scan = scanner.scan()
            var events = tracker.update(changed: scan.changed, removed: scan.removed)
            if first { events.append(.synced); first = false }
            if !events.isEmpty { await deliver(events) }
            // Wait for a notification or the next full scan, whichever comes first.
            let deadline = ContinuousClock.now + interval
            while ContinuousClock.now < deadline {
                #if canImport(Glibc)
                if let notifier {
                    if notifier.drain() { break }
                    try await Task.sleep(for: notificationCheck)
                    continue
                }
                #endif
                try await Task.sleep(until: deadline)
            }
        }
    }
}

/// Finds which manifest files changed since the previous scan.
struct DirectoryScanner {
    struct Fingerprint: Equatable {
        var size: UInt64
        var modified: Date
        var inode: UInt64
    }

    let directory: String
    private var known: [String: Fingerprint] = [:]

    init(directory: String) { self.directory = directory }

    mutating func scan() -> (changed: [(path: String, bytes: [UInt8])], removed: [String]) {
        let fm = FileManager.default
        let paths = Set(ManifestFiles.walk(directory))
        var changed: [(String, [UInt8])] = []
        let now = Date()
        for path in paths {
            guard let attrs = try? fm.attributesOfItem(atPath: path) else { continue }
            let print = Fingerprint(size: (attrs[.size] as? NSNumber)?.uint64Value ?? 0,
                                    modified: attrs[.modificationDate] as? Date ?? .distantPast,
                                    inode: (attrs[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0)
            // A write within the file system's timestamp granularity may not move mtime, so
            // files touched in the last two seconds are re-read (the tracker skips equal bytes).
            let recent = now.timeIntervalSince(print.modified) < 2
            if known[path] != print || recent {
                known[path] = print
                if let data = fm.contents(atPath: path) { changed.append((path, [UInt8](data))) }
            }
        }
        let removed = known.keys.filter { !paths.contains($0) }
        for path in removed { known[path] = nil }
        return (changed, removed)
    }
}
