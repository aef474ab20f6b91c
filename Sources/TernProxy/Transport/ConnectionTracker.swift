import NIOCore
import Synchronization

/// The connections a listener has accepted and not yet closed, so a graceful shutdown can
/// wait for them to finish and then close whatever outlived the grace period.
final class ConnectionTracker: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    var count: Int { channels.withLock { $0.count } }

    func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        channels.withLock { $0[id] = channel }
        channel.closeFuture.whenComplete { _ in
            _ = self.channels.withLock { $0.removeValue(forKey: id) }
        }
    }

    /// Waits for open connections to finish, at most `grace`, then closes the rest and
    /// returns how many that was. Checking every 20 ms keeps this simple and costs nothing
    /// measurable during a shutdown.
    @discardableResult
    func drain(grace: Duration) async -> Int {
        let deadline = ContinuousClock.now.advanced(by: grace)
        while count > 0, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let leftovers = channels.withLock { Array($0.values) }
        for channel in leftovers { channel.close(promise: nil) }
        return leftovers.count
    }
}
