import Foundation
import TernLocal

/// Load for endpoint-churn tests: several HTTP/1 clients, each on its own keep-alive
/// connection, and one HTTP/2 client (curl with prior knowledge), all sending `GET /whoami` through the client proxy until stopped. Every
/// request has a client-side timeout; each outcome is kept in completion order.
final class WhoamiTraffic: @unchecked Sendable {
    struct Outcome: Sendable {
        enum Kind: Sendable, Equatable {
            /// A 200 from the endpoint named.
            case answered(String)
            /// Any other status; `proxyError` is the `l5d-proxy-error` header when there was one.
            case status(Int, proxyError: String?)
            /// The connection closed or the stream was reset before a whole response.
            case broken(String)
            /// No response within the client timeout: a hang.
            case timedOut
        }

        let kind: Kind
        let client: String

        var isFailure: Bool {
            if case .answered = kind { return false }
            return true
        }

        var endpoint: String? {
            if case let .answered(name) = kind { return name }
            return nil
        }
    }

    let port: Int
    let http1Clients: Int
    let timeout: TimeInterval
    private let lock = NSLock()
    private var results: [Outcome] = []
    private var stopped = false

    /// One HTTP/1 client per connection plus the HTTP/2 one: the most requests that can be
    /// in flight at once.
    var concurrency: Int { http1Clients + 1 }

    init(port: Int, http1Clients: Int = 4, timeout: TimeInterval = 5) {
        self.port = port
        self.http1Clients = http1Clients
        self.timeout = timeout
    }

    var outcomes: [Outcome] { lock.withLock { results } }
    var count: Int { lock.withLock { results.count } }
    func outcomes(since mark: Int) -> [Outcome] { Array(outcomes.dropFirst(mark)) }

    private var isStopped: Bool { lock.withLock { stopped } }
    private func record(_ kind: Outcome.Kind, client: String) {
        lock.withLock { results.append(Outcome(kind: kind, client: client)) }
    }

    /// Runs `scenario` while the load runs, then stops the load and waits for every client.
    func during<T: Sendable>(_ scenario: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<http1Clients {
                group.addTask { try await offPool { self.runHTTP1(client: "h1-\(index)") } }
            }
            group.addTask { try await self.runHTTP2() }
            let result: T
            do {
                result = try await scenario()
            } catch {
                lock.withLock { stopped = true }
                try? await group.waitForAll()
                throw error
            }
            lock.withLock { stopped = true }
            try await group.waitForAll()
            return result
        }
    }

    /// Blocking: one keep-alive connection, replaced after it breaks or is closed.
    private func runHTTP1(client: String) {
        var connection: HTTP1Connection?
        while !isStopped {
            let started = Date()
            do {
                let current = try connection ?? HTTP1Connection(BlockingSocket.connect(host: "127.0.0.1", port: port, timeout: timeout))
                connection = current
                try current.send("GET /whoami HTTP/1.1\r\nhost: \(HTTPMesh.authority)\r\n\r\n")
                let response = try current.readResponse()
                if response.status == 200 {
                    record(.answered(response.text), client: client)
                } else {
                    record(.status(response.status, proxyError: response.header("l5d-proxy-error")), client: client)
                }
                if response.header("connection")?.lowercased() == "close" {
                    current.close()
                    connection = nil
                }
            } catch {
                // A receive timeout (EAGAIN) after the full client timeout is a hang, not a break.
                let hung = Date().timeIntervalSince(started) >= timeout - 0.5
                record(hung ? .timedOut : .broken("\(error)"), client: client)
                connection?.close()
                connection = nil
            }
            usleep(2_000)
        }
        connection?.close()
    }

    /// curl over HTTP/2 with prior knowledge, one request per connection: curl 7.88.1 (the
    /// Debian one here) fails every request after the first on a reused prior-knowledge
    /// connection with "Error in the HTTP2 framing layer", against the test server directly
    /// too, while nghttp and h2load reuse the same connections fine.
    private func runHTTP2() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tern-h2-load-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let curlPath = try ProcessRunner.locate("curl").path
        while !isStopped {
            try? FileManager.default.removeItem(atPath: "\(dir)/body")
            let curl = try RunningProcess(path: curlPath, arguments: [
                "-sS", "--http2-prior-knowledge", "--max-time", "\(Int(timeout))", "-H", "host: \(HTTPMesh.authority)",
                "-o", "\(dir)/body", "-w", "%{http_code} %{exitcode}", "http://127.0.0.1:\(port)/whoami",
            ])
            _ = try await curl.wait(timeout: timeout + 10)
            let fields = curl.stdoutLines.joined().split(separator: " ").compactMap { Int($0) }
            guard fields.count == 2 else {
                record(.broken("curl wrote \(curl.stdoutLines): \(curl.stderr.prefix(200))"), client: "h2")
                continue
            }
            switch (status: fields[0], exit: fields[1]) {
            case (200, 0):
                let body = FileManager.default.contents(atPath: "\(dir)/body") ?? Data()
                record(.answered(String(decoding: body, as: UTF8.self)), client: "h2")
            case (_, 28): record(.timedOut, client: "h2")
            case let (status, 0): record(.status(status, proxyError: nil), client: "h2")
            case let (status, exit): record(.broken("curl exit \(exit), status \(status): \(curl.stderr.prefix(200))"), client: "h2")
            }
        }
    }
}

extension Collection<WhoamiTraffic.Outcome> {
    var failures: [WhoamiTraffic.Outcome] { filter(\.isFailure) }
    var timeouts: Int { filter { $0.kind == .timedOut }.count }

    /// Answers per endpoint name.
    var answersByEndpoint: [String: Int] {
        reduce(into: [:]) { counts, outcome in
            if let name = outcome.endpoint { counts[name, default: 0] += 1 }
        }
    }

    /// One line for the test log: answers per endpoint, then failures by kind.
    var summary: String {
        let answers = answersByEndpoint.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let failed = failures.map { "\($0.client): \($0.kind)" }
        let overHTTP2 = filter { $0.client == "h2" }.count
        return "\(count) requests (\(overHTTP2) over HTTP/2), answers \(answers), \(failed.count) failed\(failed.isEmpty ? "" : ": \(failed.prefix(10))")"
    }
}

/// Polls `condition` until it holds and throws if it never does, so a scenario stops there.
func until(_ what: String, timeout: Duration = .seconds(20), _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw HarnessError("\(what) did not happen within \(timeout)")
}
