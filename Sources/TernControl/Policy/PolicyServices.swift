import GRPCCore
import TernAPI
import TernCore
import TernPolicy

/// The inbound policy API: streams the policy of one workload port; the first message is the
/// whole policy, each later one replaces it.
public struct InboundPolicyService: Tern_Policy_V1_InboundServerPolicies.SimpleServiceProtocol {
    let store: ClusterStore

    public init(store: ClusterStore) { self.store = store }

    public func watch(request: Tern_Policy_V1_InboundPort,
                      response: RPCWriter<Tern_Policy_V1_InboundServer>,
                      context: ServerContext) async throws {
        let parts = request.workload.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, KubernetesNames.isDNSLabel(parts[0]), KubernetesNames.isDNSSubdomain(parts[1]) else {
            throw RPCError(code: .invalidArgument, message: "workload \"\(request.workload.prefix(256))\" is not namespace:pod-name")
        }
        guard (1...65535).contains(request.port) else {
            throw RPCError(code: .invalidArgument, message: "port \(request.port) is out of range 1-65535")
        }
        await store.waitUntilSynced()
        let watch = await store.watchInbound(.init(namespace: parts[0], workload: parts[1], port: Int(request.port)))
        defer { watch.cancel() }
        // The handler's task is not cancelled when the caller goes away; gRPC's cancellation
        // handler ends the watch instead, so no watcher outlives its caller.
        try await withRPCCancellationHandler {
            for await policy in watch {
                try await response.write(Tern_Policy_V1_InboundServer(policy))
            }
        } onCancelRPC: {
            watch.cancel()
        }
    }
}

/// The outbound policy API: streams how to route to one destination.
public struct OutboundPolicyService: Tern_Policy_V1_OutboundPolicies.SimpleServiceProtocol {
    let store: ClusterStore

    public init(store: ClusterStore) { self.store = store }

    public func watch(request: Tern_Policy_V1_OutboundTarget,
                      response: RPCWriter<Tern_Policy_V1_OutboundPolicy>,
                      context: ServerContext) async throws {
        let target = try DestinationTarget(requested: request.target, clusterDomain: store.config.clusterDomain)
        let caller = request.callerNamespace.isEmpty ? nil : request.callerNamespace
        await store.waitUntilSynced()
        let watch = await store.watchOutbound(.init(target: target, callerNamespace: caller))
        defer { watch.cancel() }
        // The handler's task is not cancelled when the caller goes away; gRPC's cancellation
        // handler ends the watch instead, so no watcher outlives its caller.
        try await withRPCCancellationHandler {
            for await policy in watch {
                try await response.write(Tern_Policy_V1_OutboundPolicy(policy))
            }
        } onCancelRPC: {
            watch.cancel()
        }
    }
}
