import Foundation

/// A running `tern-proxy` and its ports, with helpers to use its admin server.
final class ProxyProcess: @unchecked Sendable {
    let process: RunningProcess
    let outboundPort: Int
    let inboundPort: Int
    let adminPort: Int
    /// The network namespace the proxy runs in, if any (its admin server is reached there).
    let netns: String?

    init(process: RunningProcess, outboundPort: Int, inboundPort: Int, adminPort: Int, netns: String? = nil) {
        self.netns = netns
        self.process = process
        self.outboundPort = outboundPort
        self.inboundPort = inboundPort
        self.adminPort = adminPort
    }

    /// One request to the admin server; returns the status code and the body.
    func admin(_ path: String, method: String = "GET") async throws -> (Int, String) {
        let port = adminPort
        let netns = netns
        return try await offPool {
            let socket = try BlockingSocket.connect(host: "127.0.0.1", port: port, namespace: netns, timeout: 5)
            try socket.send("\(method) \(path) HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
            let text = String(decoding: try socket.receiveAll(), as: UTF8.self)
            let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
            let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
            return (status, body)
        }
    }

    func waitUntilReady(timeout: TimeInterval = 30) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard process.process.isRunning else { throw HarnessError("tern-proxy exited: \(process.stderr)") }
            if let (status, _) = try? await admin("/ready"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("tern-proxy never became ready: \(process.stderr)")
    }

    /// The scrape as (series, value) pairs, `series` being `name{labels}` as rendered.
    func metrics() async throws -> [(series: String, value: Double)] {
        let (status, body) = try await admin("/metrics")
        guard status == 200 else { throw HarnessError("/metrics answered \(status)") }
        return body.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...])
            else { return nil }
            return (String(line[..<space]), value)
        }
    }

    /// The sum of `name`'s series whose labels include every `key="value"` in `labels`.
    func metric(_ name: String, _ labels: [String: String] = [:]) async throws -> Double {
        try await metrics().filter { series, _ in
            (series == name || series.hasPrefix(name + "{"))
                && labels.allSatisfy { series.contains("\($0.key)=\"\($0.value)\"") }
        }.reduce(0) { $0 + $1.value }
    }
}
