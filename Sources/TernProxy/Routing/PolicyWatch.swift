import Synchronization
import TernPolicy

/// One target's policy stream as the resolver tracks it: the handle every caller shares, and
/// whether an answer has arrived yet. Callers that come before the first answer wait here;
/// the stream side (PolicyWatch+Stream.swift) fills the handle in.
final class PolicyWatch: Sendable {
    enum Phase: Sendable {
        /// The stream has not answered yet: callers wait (up to their deadline).
        case waiting
        /// No answer, and the controller failed or was too slow: callers get the handle at
        /// once (still empty) rather than each waiting out a deadline again.
        case unreachable
        /// The handle holds the control plane's answer (kept when the stream later breaks).
        case known
    }

    private struct State {
        var phase = Phase.waiting
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var lastWaiter: UInt64 = 0
    }

    let target: String
    /// One object for the watch's whole life: callers that hold it see later updates.
    let handle: PolicyHandle
    private let state = Mutex(State())

    init(target: String) {
        self.target = target
        self.handle = PolicyHandle(target: target)
    }

    var phase: Phase { state.withLock { $0.phase } }

    /// Returns once the first answer is in, or after `timeout`; a caller that gives up marks
    /// the watch unreachable, so the callers after it do not each pay the same wait.
    func answer(within timeout: Duration) async {
        guard phase == .waiting else { return }
        let answered = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.nextAnswer()
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !answered, !Task.isCancelled { markUnreachable() }
    }

    /// Suspends until the phase leaves `.waiting`, or the task is cancelled.
    private func nextAnswer() async {
        let id = state.withLock { s in
            s.lastWaiter += 1
            return s.lastWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let parked = state.withLock { s in
                    guard s.phase == .waiting, !Task.isCancelled else { return false }
                    s.waiters[id] = continuation
                    return true
                }
                if !parked { continuation.resume() }
            }
        } onCancel: {
            self.state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// A policy from the stream (nil: no Service answers to the target). Every message is a
    /// whole policy, so it replaces what the handle held, including after a reconnect.
    func received(_ policy: OutboundPolicy?) {
        handle.replace(with: policy)
        settle(.known)
    }

    /// The controller refused the target itself: known to have no policy.
    func rejected() {
        handle.replace(with: nil)
        settle(.known)
    }

    /// Only a watch still waiting changes: a known policy is kept when the stream breaks.
    func markUnreachable() { settle(.unreachable) }

    /// The watch is over (evicted, or the resolver stopped): nobody may stay parked.
    func finish() { settle(.unreachable) }

    private func settle(_ phase: Phase) {
        let woken: [CheckedContinuation<Void, Never>] = state.withLock { s in
            switch (s.phase, phase) {
            case (.known, _), (.unreachable, .unreachable), (.waiting, .waiting): return []
            default:
                s.phase = phase
                defer { s.waiters = [:] }
                return Array(s.waiters.values)
            }
        }
        for waiter in woken { waiter.resume() }
    }
}
