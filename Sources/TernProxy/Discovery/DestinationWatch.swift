import Synchronization
import TernPolicy

/// One destination path as seen through its discovery stream: the pool every caller of the
/// path shares, and whether an answer has arrived yet. Callers that come before the first
/// answer wait on it here; the stream side (DestinationWatch+Stream.swift) fills it in.
final class DestinationWatch: Sendable {
    enum Phase: Sendable {
        /// The stream has not answered yet: callers wait (up to their deadline).
        case waiting
        /// No answer, and the controller failed or was too slow: callers get `.unknown` at
        /// once until an answer arrives, rather than each waiting out a deadline again.
        case unreachable
        /// The pool holds the control plane's view (kept when the stream later breaks).
        case known
    }

    private struct State {
        var phase = Phase.waiting
        var waiters: [UInt64: CheckedContinuation<Resolution?, Never>] = [:]
        var lastWaiter: UInt64 = 0
    }

    let path: String
    /// One object for the watch's whole life: callers that hold it see later updates, and a
    /// destination that had no endpoints is revived in place.
    let pool: EndpointPool
    private let state = Mutex(State())

    init(path: String, pool: EndpointPool = EndpointPool()) {
        self.path = path
        self.pool = pool
    }

    var phase: Phase { state.withLock { $0.phase } }

    /// The answer now, or nil while the first answer is still awaited.
    var currentResolution: Resolution? {
        switch phase {
        case .waiting: return nil
        case .unreachable: return .unknown
        case .known: return pool.resolution
        }
    }

    /// Waits up to `timeout` for the first answer. A caller that gives up marks the watch
    /// unreachable, so the callers after it do not each pay the same wait.
    func answer(within timeout: Duration) async -> Resolution {
        if let now = currentResolution { return now }
        let first = await withTaskGroup(of: Resolution?.self) { group in
            group.addTask { await self.nextAnswer() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if let first { return first }
        if !Task.isCancelled { markUnreachable() }
        return currentResolution ?? .unknown
    }

    /// Suspends until the phase leaves `.waiting`; nil when cancelled first.
    private func nextAnswer() async -> Resolution? {
        let id = state.withLock { s in
            s.lastWaiter += 1
            return s.lastWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Resolution?, Never>) in
                let parked = self.state.withLock { s in
                    guard s.phase == .waiting, !Task.isCancelled else { return false }
                    s.waiters[id] = continuation
                    return true
                }
                if !parked { continuation.resume(returning: self.currentResolution) }
            }
        } onCancel: {
            self.state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: nil)
        }
    }

    /// One update from the stream. The first update of every (re)opened stream is the whole
    /// set and replaces what the pool held, so endpoints removed while disconnected go away.
    func received(_ update: EndpointUpdate, first: Bool) {
        if first {
            var set = EndpointSet.unknown
            set.apply(update)
            pool.replace(with: set)
        } else {
            pool.apply(update)
        }
        settle(.known)
    }

    /// The controller refused the path itself (not a destination it can ever answer): known,
    /// and unknown to the mesh, so the caller forwards as is.
    func rejected() {
        pool.replace(with: .unknown)
        settle(.known)
    }

    /// Only a watch still waiting changes: a known set is kept when the stream breaks.
    func markUnreachable() { settle(.unreachable) }

    /// The watch is over (evicted, or the resolver stopped): nobody may stay parked.
    func finish() { settle(.unreachable) }

    private func settle(_ phase: Phase) {
        let woken: [CheckedContinuation<Resolution?, Never>] = state.withLock { s in
            switch (s.phase, phase) {
            case (.known, _), (.unreachable, .unreachable), (.waiting, .waiting): return []
            default:
                s.phase = phase
                let woken = Array(s.waiters.values)
                s.waiters = [:]
                return woken
            }
        }
        guard !woken.isEmpty else { return }
        let answer = currentResolution ?? .unknown
        for waiter in woken { waiter.resume(returning: answer) }
    }
}
