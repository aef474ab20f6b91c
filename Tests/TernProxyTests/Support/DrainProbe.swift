import ServiceLifecycle
import Synchronization

/// A service that records whether the group asked it to shut down gracefully.
final class DrainProbe: Service, Sendable {
    private let saw = Mutex(false)

    var sawGracefulShutdown: Bool { saw.withLock { $0 } }

    func run() async throws {
        try? await gracefulShutdown()
        saw.withLock { $0 = true }
    }
}
