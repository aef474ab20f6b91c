import Synchronization

/// Fans computed values out to watchers, keyed by what they watch. The owner publishes a new
/// value per key after each state change; a value equal to the last one sends nothing, and each
/// watcher has its own latest-wins mailbox, so one slow watcher never blocks the others.
public final class WatchHub<Key: Hashable & Sendable, Value: Equatable & Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var watchers: [UInt64: LatestValueMailbox<Value>] = [:]
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Starts watching `key`. `initial` computes the value when nobody watches the key yet; the
    /// watcher's first read returns the current value.
    public func watch(_ key: Key, initial: () -> Value) -> Watch {
        let mailbox = LatestValueMailbox<Value>()
        let id: UInt64 = state.withLock { s in
            s.nextID += 1
            if s.entries[key] == nil { s.entries[key] = Entry(value: initial()) }
            s.entries[key]!.watchers[s.nextID] = mailbox
            mailbox.put(s.entries[key]!.value)
            return s.nextID
        }
        return Watch(key: key, id: id, mailbox: mailbox, hub: self)
    }

    /// Publishes the value for `key`; returns how many watchers were sent it (0 when unchanged
    /// or unwatched).
    @discardableResult
    public func publish(_ key: Key, _ value: Value) -> Int {
        let targets: [LatestValueMailbox<Value>] = state.withLock { s in
            guard var entry = s.entries[key], entry.value != value else { return [] }
            entry.value = value
            s.entries[key] = entry
            return Array(entry.watchers.values)
        }
        for mailbox in targets { mailbox.put(value) }
        return targets.count
    }

    /// Keys someone watches, so the owner recomputes only those.
    public var watchedKeys: [Key] { state.withLock { Array($0.entries.keys) } }

    public var watcherCount: Int { state.withLock { $0.entries.values.reduce(0) { $0 + $1.watchers.count } } }

    fileprivate func remove(_ key: Key, _ id: UInt64) {
        state.withLock { s in
            s.entries[key]?.watchers[id] = nil
            if s.entries[key]?.watchers.isEmpty == true { s.entries[key] = nil }
        }
    }

    /// Closes every watch (controller shutdown); readers see the end of their stream.
    public func closeAll() {
        let all = state.withLock { s -> [LatestValueMailbox<Value>] in
            defer { s.entries = [:] }
            return s.entries.values.flatMap { $0.watchers.values }
        }
        for m in all { m.close() }
    }

    /// One watcher's stream of values. Cancel (or drop) it to stop watching.
    public final class Watch: Sendable, AsyncSequence {
        public typealias Element = Value
        public let key: Key
        let id: UInt64
        let mailbox: LatestValueMailbox<Value>
        let hub: WatchHub

        init(key: Key, id: UInt64, mailbox: LatestValueMailbox<Value>, hub: WatchHub) {
            self.key = key
            self.id = id
            self.mailbox = mailbox
            self.hub = hub
        }

        deinit { cancel() }

        public func cancel() {
            mailbox.close()
            hub.remove(key, id)
        }

        public func next() async -> Value? { await mailbox.next() }

        public struct AsyncIterator: AsyncIteratorProtocol {
            let mailbox: LatestValueMailbox<Value>
            public mutating func next() async -> Value? { await mailbox.next() }
        }

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(mailbox: mailbox) }
    }
}
