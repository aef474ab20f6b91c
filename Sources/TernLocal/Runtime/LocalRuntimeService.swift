import Foundation
import ServiceLifecycle
import Synchronization

/// The supervisor as a swift-service-lifecycle `Service`: its blocking loop runs on a thread
/// of its own, and graceful shutdown (SIGINT/SIGTERM through the `ServiceGroup`) or task
/// cancellation makes it stop everything before `run()` returns.
public struct LocalRuntimeService: Service {
    let supervisor: Supervisor
    let onStarted: @Sendable (RuntimeRecord) -> Void
    let tickInterval: TimeInterval

    public init(supervisor: Supervisor, tickInterval: TimeInterval = 1, onStarted: @escaping @Sendable (RuntimeRecord) -> Void) {
        self.supervisor = supervisor
        self.tickInterval = tickInterval
        self.onStarted = onStarted
    }

    public func run() async throws {
        let stopping = StopFlag()
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await runLoop(stopping)
            } onGracefulShutdown: {
                stopping.set()
            }
        } onCancel: {
            stopping.set()
        }
    }

    private func runLoop(_ stopping: StopFlag) async throws {
        let supervisor = self.supervisor, onStarted = self.onStarted, interval = tickInterval
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                do { try supervisor.start() } catch {
                    continuation.resume(throwing: error)
                    return
                }
                if !stopping.isSet { onStarted(supervisor.record()) }
                while !stopping.isSet {
                    let next = Date().addingTimeInterval(interval)
                    while !stopping.isSet && Date() < next { usleep(50_000) }
                    if !stopping.isSet { supervisor.tick() }
                }
                supervisor.shutdown()
                continuation.resume()
            }
            thread.start()
        }
    }
}

final class StopFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
