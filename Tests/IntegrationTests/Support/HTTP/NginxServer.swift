import Foundation
import TernLocal

/// A real nginx (from apt, installed by scripts/install-test-deps.sh) serving h2c, HTTP/2 with
/// prior knowledge, for tests that need an upstream's own HTTP/2 behaviour. It closes each
/// connection after `requestsPerConnection` requests (`keepalive_requests`): a GOAWAY naming
/// the last stream it will answer, the streams past it ignored, as RFC 9113 lets a server do.
final class NginxServer {
    let port: Int
    private let directory: String
    private let process: RunningProcess

    init(requestsPerConnection: Int) async throws {
        let port = freePort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-nginx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // One process in the foreground (no master, no daemon), every path in the test's own
        // directory, so it runs beside any other nginx and leaves nothing behind.
        let config = """
            daemon off;
            master_process off;
            pid \(directory)/nginx.pid;
            error_log \(directory)/error.log;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path \(directory)/body;
                proxy_temp_path \(directory)/proxy;
                fastcgi_temp_path \(directory)/fastcgi;
                uwsgi_temp_path \(directory)/uwsgi;
                scgi_temp_path \(directory)/scgi;
                server {
                    listen 127.0.0.1:\(port) http2;
                    keepalive_requests \(requestsPerConnection);
                    location / { return 200 "nginx\\n"; }
                }
            }
            """
        try config.write(toFile: "\(directory)/nginx.conf", atomically: true, encoding: .utf8)
        let binary = try ProcessRunner.locate("nginx").path
        process = try RunningProcess(path: binary, arguments: ["-p", directory, "-c", "\(directory)/nginx.conf"])
        (self.port, self.directory) = (port, directory)
        do {
            try await waitFor("nginx to listen on \(port)", timeout: 10) {
                try await offPool { (try? BlockingSocket.connect(host: "127.0.0.1", port: port, timeout: 1)) != nil }
            }
        } catch {
            let errors = process.stderr
            stop()
            throw HarnessError("\(error); nginx said: \(errors)")
        }
    }

    /// Kills nginx outright and waits for it. SIGTERM would not do: a child inherits the test
    /// process's blocked signals, and nginx without a master process never unblocks them.
    func stop() {
        if process.process.isRunning {
            kill(process.process.processIdentifier, SIGKILL)
            process.process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// h2load (nghttp2-client from apt) as a real HTTP/2 load generator.
enum H2Load {
    struct Outcome: Sendable {
        var requests = 0
        var succeeded = 0
        var status2xx = 0
        var output = ""
    }

    /// Runs h2load with `arguments` and reads its summary lines ("requests: N total, … S
    /// succeeded …" and "status codes: A 2xx, …").
    static func run(_ arguments: [String]) async throws -> Outcome {
        let child = try RunningProcess(path: try ProcessRunner.locate("h2load").path, arguments: arguments)
        let status = try await child.wait(timeout: 120)
        let output = child.stdoutLines.joined(separator: "\n")
        guard status == 0 else { throw HarnessError("h2load exited \(status): \(output) \(child.stderr)") }
        var outcome = Outcome(output: output)
        for line in child.stdoutLines {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "," })
            if line.hasPrefix("requests:") {
                outcome.requests = Int(words[1]) ?? -1
                if let index = words.firstIndex(of: "succeeded") { outcome.succeeded = Int(words[index - 1]) ?? -1 }
            } else if line.hasPrefix("status codes:"), let index = words.firstIndex(of: "2xx") {
                outcome.status2xx = Int(words[index - 1]) ?? -1
            }
        }
        return outcome
    }
}
