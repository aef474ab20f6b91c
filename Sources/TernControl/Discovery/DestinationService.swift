import GRPCCore
import TernAPI
import TernCore
import TernPolicy

/// The destination API: streams endpoint updates for one destination per call. The first
/// message is the whole set; later ones are diffs against what this caller was last sent, so
/// a coalesced (slow) caller still converges on the latest state.
public struct DestinationService: Tern_Destination_V1_Destination.SimpleServiceProtocol {
    let store: ClusterStore

    public init(store: ClusterStore) { self.store = store }

    public func get(request: Tern_Destination_V1_GetDestination,
                    response: RPCWriter<Tern_Destination_V1_Update>,
                    context: ServerContext) async throws {
        let target = try DestinationTarget(requested: request.path, clusterDomain: store.config.clusterDomain)
        await store.waitUntilSynced()
        let watch = await store.watchDestination(target)
        defer { watch.cancel() }
        var lastSent: EndpointSet? = nil
        // The handler's task is not cancelled when the caller goes away; gRPC's cancellation
        // handler ends the watch instead, so no watcher outlives its caller.
        try await withRPCCancellationHandler {
            for await set in watch {
                for update in set.updates(from: lastSent) {
                    try await response.write(Tern_Destination_V1_Update(update))
                }
                lastSent = set
            }
        } onCancelRPC: {
            watch.cancel()
        }
    }
}

extension DestinationTarget {
    /// Parses what a caller asked for, or answers INVALID_ARGUMENT saying what was expected
    /// (quoting at most 256 characters of the request back).
    init(requested text: String, clusterDomain: String) throws {
        guard let target = DestinationTarget(authority: text, clusterDomain: clusterDomain) else {
            throw RPCError(code: .invalidArgument,
                           message: "\"\(text.prefix(256))\" is not a destination: expected name.namespace.svc.\(clusterDomain):port or ip:port")
        }
        self = target
    }
}
