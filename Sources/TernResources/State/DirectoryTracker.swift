/// The bookkeeping behind the directory source, free of I/O: given what files now contain and
/// which are gone, it works out which objects to apply and delete. A file that fails
/// validation changes nothing (its earlier objects stay) and is reported.
public struct DirectoryTracker: Sendable {
    private struct FileState: Sendable {
        var bytes: [UInt8]
        var objects: [ObjectKey: DecodedObject]
    }

    private var files: [String: FileState] = [:]
    private let parser: ManifestParser

    public init(parser: ManifestParser = ManifestParser()) { self.parser = parser }

    /// Files whose objects are currently applied.
    public var trackedFiles: [String] { files.keys.sorted() }

    /// Processes one scan: `removed` files first (so a move between files is not a conflict),
    /// then `changed` files in path order.
    public mutating func update(changed: [(path: String, bytes: [UInt8])], removed: [String]) -> [SourceEvent] {
        var events: [SourceEvent] = []
        for path in removed.sorted() {
            guard let old = files.removeValue(forKey: path) else { continue }
            events += old.objects.keys.sorted().map { .deleted($0) }
        }
        for (path, bytes) in changed.sorted(by: { $0.path < $1.path }) {
            if files[path]?.bytes == bytes { continue }
            events += replace(path: path, bytes: bytes)
        }
        return events
    }

    private mutating func replace(path: String, bytes: [UInt8]) -> [SourceEvent] {
        let result = parser.parse(bytes: bytes, file: path)
        var diagnostics = result.errors
        var objects: [ObjectKey: DecodedObject] = [:]
        for object in result.objects {
            let key = object.key
            if let other = objects[key] {
                diagnostics.append(Diagnostic(file: path, line: object.source.line, path: "",
                    message: "\(key) is defined twice in this file (first at line \(other.source.line))"))
            } else if let owner = files.first(where: { $0.key != path && $0.value.objects[key] != nil })?.key {
                diagnostics.append(Diagnostic(file: path, line: object.source.line, path: "",
                    message: "\(key) is already defined in \(owner); each object must live in one file"))
            }
            objects[key] = object
        }
        if !diagnostics.isEmpty {
            // Remember the bytes so an unchanged broken file is not re-reported every scan.
            if files[path] != nil { files[path]!.bytes = bytes } else { files[path] = FileState(bytes: bytes, objects: [:]) }
            return [.rejected(file: path, diagnostics: diagnostics)]
        }
        let old = files[path]?.objects ?? [:]
        files[path] = FileState(bytes: bytes, objects: objects)
        var events: [SourceEvent] = old.keys.filter { objects[$0] == nil }.sorted().map { .deleted($0) }
        for key in objects.keys.sorted() where old[key]?.raw != objects[key]!.raw {
            events.append(.applied(objects[key]!))
        }
        return events
    }
}
