import GRPCCore
import Logging

extension DestinationWatch {
    /// Keeps this path's stream open until the task is cancelled: each break keeps the last
    /// known set and reopens after a jittered, growing delay; each reopened stream starts
    /// with a full snapshot that replaces the set (DestinationWatch.received).
    func follow(_ client: DestinationClient, logger: Logger) async {
        var backoff = ReconnectBackoff()
        var random = BalancerRandom()
        var opened = false
        var failures = 0
        while !Task.isCancelled {
            // The first attempt fails fast so a caller waiting on an unreachable controller is
            // answered now; later ones wait for the channel to reconnect (it has its own
            // backoff), so the stream reopens as soon as the controller is back.
            let end = await client.watch(path, waitForReady: opened) { update, first in
                self.received(update, first: first)
            }
            opened = true
            if Task.isCancelled { return }
            if end.updates > 0 {
                backoff.reset()
                failures = 0
            }
            if let error = end.error as? RPCError, error.code == .invalidArgument {
                // Asking again cannot help; the path stays unknown until it is forgotten. Debug
                // only: in explicit mode any external authority an app names ends up here.
                logger.debug("destination service rejected the destination; treating it as unknown",
                               metadata: ["path": "\(path)", "error": "\(error.message)"])
                rejected()
                return
            }
            markUnreachable()
            failures += 1
            let delay = backoff.next(using: &random)
            let metadata: Logger.Metadata = [
                "path": "\(path)", "retry_in": "\(delay)",
                "error": "\(end.error.map { "\($0)" } ?? "the server ended the stream")",
            ]
            // One line per outage at info; the retries of a long outage only at debug.
            if failures == 1 {
                logger.info("destination stream ended; keeping the last known endpoints", metadata: metadata)
            } else {
                logger.debug("destination stream still down", metadata: metadata)
            }
            do { try await Task.sleep(for: delay) } catch { return }
        }
    }
}
