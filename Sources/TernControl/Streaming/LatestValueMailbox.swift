import Synchronization

/// A one-slot mailbox where a newer value replaces an unread older one. A slow reader thus
/// never holds up the writer, and never sees a backlog: it gets the latest state when it is
/// ready (latest-wins coalescing).
public final class LatestValueMailbox<Value: Sendable>: Sendable {
    private struct State {
        var pending: Value?
        var waiter: CheckedContinuation<Value?, Never>?
        var closed = false
        /// How many values were replaced before being read, for metrics and tests.
        var coalesced = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Offers a value; returns false when the mailbox is closed.
    @discardableResult
    public func put(_ value: Value) -> Bool {
        let waiter: CheckedContinuation<Value?, Never>? = state.withLock { s in
            if s.closed { return nil }
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            if s.pending != nil { s.coalesced += 1 }
            s.pending = value
            return nil
        }
        waiter?.resume(returning: value)
        return !isClosed
    }

    /// The next value; nil once closed and drained, or when the reading task is cancelled (a
    /// cancelled reader closes the mailbox: its watcher is gone).
    public func next() async -> Value? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                let immediate: Value?? = state.withLock { s in
                    if let v = s.pending {
                        s.pending = nil
                        return .some(v)
                    }
                    if s.closed { return .some(nil) }
                    s.waiter = continuation
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            close()
        }
    }

    /// Ends the mailbox: a waiting reader gets nil, later puts are dropped.
    public func close() {
        let waiter = state.withLock { s -> CheckedContinuation<Value?, Never>? in
            s.closed = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
    }

    public var isClosed: Bool { state.withLock { $0.closed } }
    public var coalescedCount: Int { state.withLock { $0.coalesced } }
}
