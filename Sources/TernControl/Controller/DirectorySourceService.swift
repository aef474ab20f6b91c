import Logging
import ServiceLifecycle
import TernResources

/// Runs a directory source into the store as a lifecycle Service, reporting rejected files.
public struct DirectorySourceService: ServiceLifecycle.Service, Sendable {
    let source: DirectorySource
    let store: ClusterStore
    let logger: Logger

    public init(directory: String, store: ClusterStore, logger: Logger, interval: Duration = .milliseconds(500)) {
        self.source = DirectorySource(directory: directory, interval: interval)
        self.store = store
        self.logger = logger
    }

    public func run() async throws {
        logger.info("watching manifests", metadata: ["directory": "\(source.directory)"])
        // Cancellation (graceful shutdown) ends the scan loop; that is a normal stop.
        try? await cancelWhenGracefulShutdown {
            try await source.run { batch in
                for event in batch {
                    if case .rejected(let file, let diagnostics) = event {
                        for d in diagnostics { logger.warning("rejected manifest: \(d)", metadata: ["file": "\(file)"]) }
                    }
                }
                await store.apply(batch)
            }
        }
    }
}
