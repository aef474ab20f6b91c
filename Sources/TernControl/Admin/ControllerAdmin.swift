import NIOHTTP1
import TernResources

/// What the controller's admin port answers: liveness, readiness (the source delivered its
/// initial state and the API servers listen) and Prometheus metrics.
public struct ControllerAdmin: Sendable {
    let store: ClusterStore
    let ready: @Sendable () async -> Bool

    public init(store: ClusterStore, ready: @escaping @Sendable () async -> Bool) {
        self.store = store
        self.ready = ready
    }

    public func respond(_ method: HTTPMethod, _ path: String) async -> AdminServer.Response {
        guard method == .GET || method == .HEAD else {
            return .init(status: .methodNotAllowed, body: "only GET\n")
        }
        switch path {
        case "/live":
            return .init(body: "live\n")
        case "/ready":
            let synced = await store.isSynced
            let listening = await ready()
            if synced && listening { return .init(body: "ready\n") }
            return .init(status: .serviceUnavailable, body: synced ? "not ready: API servers not listening\n" : "not ready: cluster state not synced\n")
        case "/metrics":
            return .init(contentType: "text/plain; version=0.0.4; charset=utf-8", body: await metrics())
        default:
            return .init(status: .notFound, body: "not found: try /ready, /live or /metrics\n")
        }
    }

    func metrics() async -> String {
        let objects = await store.objectCount
        let rejected = await store.rejected
        let synced = await store.isSynced
        var out = ""
        func gauge(_ name: String, _ help: String, _ samples: [(String, Int)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for (labels, value) in samples { out += "\(name)\(labels) \(value)\n" }
        }
        gauge("controller_cluster_objects", "Objects in the controller's cluster state.", [("", objects)])
        gauge("controller_source_synced", "1 once the source delivered its initial state.", [("", synced ? 1 : 0)])
        gauge("controller_source_rejected_files", "Manifest files currently rejected by validation.", [("", rejected.count)])
        gauge("controller_watchers", "Open watch streams by API.", [
            ("{api=\"destination\"}", store.destinations.watcherCount),
            ("{api=\"outbound_policy\"}", store.outbound.watcherCount),
            ("{api=\"inbound_policy\"}", store.inbound.watcherCount),
        ])
        gauge("process_resident_memory_bytes", "Resident memory.", [("", ProcessStats.residentBytes())])
        return out
    }
}
