import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What /proc says about processes, for tests that check nothing outlived them.
enum ProcessTable {
    /// Live (not zombie) processes whose command line or environment contains `text`, such as
    /// a fixture's temporary directory, which every process of a mesh is started with.
    static func processes(mentioning text: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let needle = Array(text.utf8)
        return entries.compactMap(Int32.init).filter { pid in
            guard isAlive(pid) else { return false }
            return ["cmdline", "environ"].contains { file in
                let bytes = FileManager.default.contents(atPath: "/proc/\(pid)/\(file)").map(Array.init) ?? []
                return bytes.contains(subsequence: needle)
            }
        }
    }

    /// Whether `pid` is a process that has not exited (a zombie has, and only awaits its reaper).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }
}

private extension Array where Element == UInt8 {
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, count >= needle.count else { return needle.isEmpty }
        return (0...(count - needle.count)).contains { start in self[start..<(start + needle.count)].elementsEqual(needle) }
    }
}
