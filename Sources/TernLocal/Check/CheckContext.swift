import Foundation

/// What checks look at. The probes are closures so the table's logic is tested with fixed
/// answers; `CheckContext.live` wires them to the real host and runtime.
public struct CheckContext: Sendable {
    public var now: Date
    public var layout: StateLayout
    public var record: RuntimeRecord?
    /// GET a URL: status and body, nil when unreachable.
    public var fetch: @Sendable (String) -> BlockingHTTP.Response?
    public var readFile: @Sendable (String) -> String?
    public var host: HostCapabilities
    public var isPortFree: @Sendable (Int) -> Bool
    public var hasNetworkNamespaces: Bool

    public init(now: Date, layout: StateLayout, record: RuntimeRecord?, fetch: @escaping @Sendable (String) -> BlockingHTTP.Response?,
                readFile: @escaping @Sendable (String) -> String?, host: HostCapabilities, isPortFree: @escaping @Sendable (Int) -> Bool,
                hasNetworkNamespaces: Bool) {
        self.now = now
        self.layout = layout
        self.record = record
        self.fetch = fetch
        self.readFile = readFile
        self.host = host
        self.isPortFree = isPortFree
        self.hasNetworkNamespaces = hasNetworkNamespaces
    }

    public static func live(layout: StateLayout) -> CheckContext {
        CheckContext(
            now: Date(), layout: layout, record: RuntimeRecord.load(layout),
            fetch: { BlockingHTTP.get($0, timeout: 2) },
            readFile: { try? String(contentsOfFile: $0, encoding: .utf8) },
            host: HostProbe.capabilities(), isPortFree: { HostProbe.isPortFree($0) },
            hasNetworkNamespaces: FileManager.default.fileExists(atPath: "/proc/self/ns/net"))
    }

    /// Each workload's proxy metrics, nil where unreachable.
    public func proxyMetrics() -> [(workload: RuntimeRecord.Workload, samples: [PrometheusSample]?)] {
        (record?.workloads ?? []).map { w in
            (w, fetch("\(w.placement.adminURL)/metrics").flatMap { $0.status == 200 ? PrometheusSample.parse($0.body) : nil })
        }
    }
}
