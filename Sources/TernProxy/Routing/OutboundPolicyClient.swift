import GRPCCore
import GRPCNIOTransportHTTP2
import TernAPI
import TernPolicy

/// The proxy's side of `tern.policy.v1.OutboundPolicies.Watch`: calls over one shared gRPC
/// client (built like the destination client's, `DestinationClient.makeGRPCClient`), each
/// streaming one target's policy.
struct OutboundPolicyClient: Sendable {
    let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    let caller: CallerIdentity

    /// Streams `target`'s policies into `onPolicy` (nil: the controller knows no Service for
    /// the target) until the stream ends or the task is cancelled. Every message is a whole
    /// policy. A message this proxy cannot read (an enum value from a newer controller) is
    /// skipped, keeping the policy before it, and counted in `skipped`. Never throws.
    /// `waitForReady` false fails at once when the controller is unreachable.
    func watch(_ target: String, waitForReady: Bool,
               onPolicy: @escaping @Sendable (OutboundPolicy?) -> Void) async -> StreamEnd {
        var request = Tern_Policy_V1_OutboundTarget()
        request.target = target
        // Consumer routes (HTTPRoutes in the caller's namespace) apply only to that caller.
        request.callerNamespace = caller.namespace
        var options = CallOptions.defaults
        options.waitForReady = waitForReady
        do {
            return try await Tern_Policy_V1_OutboundPolicies.Client(wrapping: grpc).watch(request, options: options) { response in
                var end = StreamEnd()
                do {
                    for try await message in response.messages {
                        end.messages += 1
                        // Not `try?`: it would flatten "unreadable" into nil, which means
                        // "no such Service".
                        let policy: OutboundPolicy?
                        do { policy = try message.domain() } catch {
                            end.skipped += 1
                            continue
                        }
                        onPolicy(policy)
                    }
                } catch {
                    end.error = error
                }
                return end
            }
        } catch {
            return StreamEnd(error: error)
        }
    }

    /// How one stream ended: how many messages it delivered (and how many of them could not be
    /// read), and the error if it failed (nil when the server finished it).
    struct StreamEnd: Sendable {
        var messages = 0
        var skipped = 0
        var error: (any Error)?
    }
}
