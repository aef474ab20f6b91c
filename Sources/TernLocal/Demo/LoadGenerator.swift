import Foundation
import NIOHTTP1
import Synchronization

/// A steady trickle of requests to `face`, counting what comes back. Serves its counts as
/// JSON on `/stats` so tests and `tern check` can judge the mesh by an application's view.
/// Until `face` first answers (the mesh is still publishing endpoints and issuing
/// certificates) failures are counted apart as `warmupFailures`, as a probe would gate them.
final class LoadGenerator: Sendable {
    struct Stats: Codable, Sendable, Equatable {
        var requests = 0
        var successes = 0
        var failures = 0
        /// Successful answers per color: with the 50/50 split both backends show up here.
        var colors: [String: Int] = [:]
        var warmupFailures = 0
        var lastError: String?
    }

    let settings: FacesRole.Settings
    private let stats = Mutex(Stats())

    init(settings: FacesRole.Settings) { self.settings = settings }

    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                try await MiniHTTPServer(host: "0.0.0.0", port: self.settings.port) { _ in
                    MiniHTTPResponse(body: FacesJSON.encode(self.stats.withLock { $0 }))
                }.run()
            }
            let interval = Duration.seconds(1.0 / settings.requestsPerSecond)
            var next = ContinuousClock.now
            while !Task.isCancelled {
                next += interval
                group.addTask { await self.requestOnce() }
                try await Task.sleep(until: next)
            }
        }
    }

    private func requestOnce() async {
        var color: String?
        var failure: String?
        do {
            let response = try await settings.client.get(settings.faceURL)
            let object = try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
            color = object?["color"] as? String
            if response.status != 200 || color == nil { failure = "face answered \(response.status): \(response.body.prefix(200))" }
        } catch {
            failure = "\(error)"
        }
        stats.withLock { stats in
            if failure != nil && stats.successes == 0 {
                stats.warmupFailures += 1
                stats.lastError = failure
                return
            }
            stats.requests += 1
            if let failure {
                stats.failures += 1
                stats.lastError = failure
            } else if let color {
                stats.successes += 1
                stats.colors[color, default: 0] += 1
            }
        }
    }
}
