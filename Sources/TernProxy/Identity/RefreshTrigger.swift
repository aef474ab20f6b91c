import Synchronization

/// Lets something outside the certifier (an operator endpoint, a test, a trust-anchor change)
/// cut the current wait short. One waiter at a time: the certifier's loop.
final class RefreshTrigger: Sendable {
    private enum State {
        case idle
        case fired
        case waiting(CheckedContinuation<Bool, Never>)
    }

    private let state = Mutex<State>(.idle)

    func fire() {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            if case .waiting(let continuation) = state {
                state = .idle
                return continuation
            }
            state = .fired
            return nil
        }
        waiter?.resume(returning: true)
    }

    /// Waits up to `duration`. True if fired, false on timeout or cancellation.
    func wait(upTo duration: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                try? await Task.sleep(for: duration)
                return false
            }
            group.addTask { await self.waitForFire() }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    private func waitForFire() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let immediate = state.withLock { state -> Bool? in
                    // Checked under the lock: a cancel that lands before we park is seen here,
                    // one that lands after finds the continuation in onCancel.
                    if Task.isCancelled { return false }
                    switch state {
                    case .fired:
                        state = .idle
                        return true
                    case .idle:
                        state = .waiting(continuation)
                        return nil
                    case .waiting:
                        return false
                    }
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                guard case .waiting(let continuation) = state else { return nil }
                state = .idle
                return continuation
            }
            waiter?.resume(returning: false)
        }
    }
}
