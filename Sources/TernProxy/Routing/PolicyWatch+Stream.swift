import GRPCCore
import Logging

extension PolicyWatch {
    /// Keeps this target's policy stream open until the task is cancelled: each break keeps
    /// the last policy and reopens after a jittered, growing delay (ReconnectBackoff, shared
    /// with discovery); each reopened stream's first message replaces the policy.
    func follow(_ client: OutboundPolicyClient, logger: Logger) async {
        var backoff = ReconnectBackoff()
        var random = BalancerRandom()
        var opened = false
        var failures = 0
        while !Task.isCancelled {
            // The first attempt fails fast so a caller waiting on an unreachable controller is
            // answered now; later ones wait for the channel to reconnect (it has its own
            // backoff), so the stream reopens as soon as the controller is back.
            let end = await client.watch(target, waitForReady: opened) { policy in self.received(policy) }
            opened = true
            if Task.isCancelled { return }
            if end.skipped > 0 {
                logger.warning("outbound policy messages this proxy cannot read were skipped; keeping the policy before them",
                               metadata: ["target": "\(target)", "skipped": "\(end.skipped)"])
            }
            if end.messages > 0 {
                backoff.reset()
                failures = 0
            }
            if let error = end.error as? RPCError, error.code == .invalidArgument {
                // Asking again cannot help; the target has no policy until it is forgotten.
                logger.debug("policy service rejected the target; applying no policy",
                             metadata: ["target": "\(target)", "error": "\(error.message)"])
                rejected()
                return
            }
            markUnreachable()
            failures += 1
            let delay = backoff.next(using: &random)
            let metadata: Logger.Metadata = [
                "target": "\(target)", "retry_in": "\(delay)",
                "error": "\(end.error.map { "\($0)" } ?? "the server ended the stream")",
            ]
            // One line per outage at info; the retries of a long outage only at debug.
            if failures == 1 {
                logger.info("outbound policy stream ended; keeping the last known policy", metadata: metadata)
            } else {
                logger.debug("outbound policy stream still down", metadata: metadata)
            }
            do { try await Task.sleep(for: delay) } catch { return }
        }
    }
}
