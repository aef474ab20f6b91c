import Foundation

/// Expands the paths a user names (`-f a.yaml -f dir/ -f -`) into manifest files and reads
/// them. Directories are walked recursively for `.yaml`, `.yml` and `.json` files in a stable
/// order; hidden entries are skipped. Shared by `tern validate`, `tern migrate` and `tern local`.
public enum ManifestFiles {
    public struct Input: Sendable {
        /// The name used in messages: the path as given, or `-` for standard input.
        public var name: String
        public var bytes: [UInt8]
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case notFound(String)
        case unreadable(String, String)
        case emptyDirectory(String)

        public var description: String {
            switch self {
            case .notFound(let p): return "\(p): no such file or directory"
            case .unreadable(let p, let why): return "\(p): cannot read: \(why)"
            case .emptyDirectory(let p): return "\(p): the directory holds no .yaml, .yml or .json files"
            }
        }
    }

    static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// The files `paths` name, in order, directories expanded.
    public static func expand(_ paths: [String]) throws(Failure) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            if path == "-" { out.append(path); continue }
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { throw .notFound(path) }
            if !isDir.boolValue { out.append(path); continue }
            let found = walk(path)
            if found.isEmpty { throw .emptyDirectory(path) }
            out += found
        }
        return out
    }

    /// Manifest files below `directory`, sorted by path.
    public static func walk(_ directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let components = relative.split(separator: "/")
            if components.contains(where: { $0.hasPrefix(".") }) { continue }
            let ext = relative.split(separator: ".").last.map { $0.lowercased() } ?? ""
            guard extensions.contains(ext) else { continue }
            let full = directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue { files.append(full) }
        }
        return files.sorted()
    }

    /// Reads `paths` (expanded), standard input for `-`. Reading stops early at the size limit
    /// so a huge file is refused without being loaded whole.
    public static func read(_ paths: [String], limit: Int = ManifestLimits.standard.maxFileBytes) throws(Failure) -> [Input] {
        var inputs: [Input] = []
        for path in try expand(paths) {
            if path == "-" {
                let data = FileHandle.standardInput.readData(ofLength: limit + 1)
                inputs.append(Input(name: "-", bytes: [UInt8](data)))
                continue
            }
            guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable(path, "permission denied or not a regular file") }
            defer { try? handle.close() }
            do {
                let data = try handle.read(upToCount: limit + 1) ?? Data()
                inputs.append(Input(name: path, bytes: [UInt8](data)))
            } catch {
                throw .unreadable(path, "\(error.localizedDescription)")
            }
        }
        return inputs
    }
}
