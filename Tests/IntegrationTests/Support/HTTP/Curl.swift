import Foundation
import TernLocal

/// What one curl run saw: its exit status, the final status code and head, and the body.
struct CurlResult: Sendable {
    var exitStatus: Int32
    var statusCode: Int
    /// Every head curl received (1xx included), as raw text.
    var heads: String
    var body: Data
    var stderr: String
    /// Body bytes received (with `discardBody`, where the body itself is not kept).
    var downloaded = 0

    var text: String { String(decoding: body, as: UTF8.self) }

    /// A header of the final head (case-insensitive name); trailers curl prints after it too.
    func header(_ name: String) -> String? {
        let finalHead = heads.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }.last ?? ""
        for line in finalHead.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == name.lowercased() {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}

/// curl from apt as a real HTTP client (scripts/install-test-deps.sh installs it).
enum Curl {
    /// With `discardBody`, the caller passes its own `-o` (e.g. /dev/null) and only the size
    /// is kept.
    static func run(_ arguments: [String], timeout: Int = 20, discardBody: Bool = false) async throws -> CurlResult {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tern-curl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let child = try RunningProcess(path: try ProcessRunner.locate("curl").path, arguments: [
            "-sS", "--max-time", "\(timeout)", "-D", "\(dir)/heads", "-w", "%{http_code} %{size_download}",
        ] + (discardBody ? [] : ["-o", "\(dir)/body"]) + arguments)
        let status = try await child.wait(timeout: TimeInterval(timeout + 10))
        let written = child.stdoutLines.joined().split(separator: " ")
        return CurlResult(
            exitStatus: status,
            statusCode: written.first.flatMap { Int($0) } ?? 0,
            heads: (try? String(contentsOfFile: "\(dir)/heads", encoding: .utf8)) ?? "",
            body: FileManager.default.contents(atPath: "\(dir)/body") ?? Data(),
            stderr: child.stderr,
            downloaded: written.dropFirst().first.flatMap { Int($0) } ?? 0)
    }
}
