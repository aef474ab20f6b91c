import Foundation

/// The files of one local runtime. The controller reads `cluster/` recursively: the user's
/// applied manifests in `cluster/applied/`, the pods the runtime runs in `cluster/runtime/`.
public struct StateLayout: Sendable, Hashable {
    public let root: String

    public init(root: String) { self.root = root }

    /// `--state-dir`, else `$TERN_HOME/local`, else `/tmp/tern-local` (`/tmp/tern-demo` for the demo).
    public static func resolve(_ explicit: String?, demo: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> StateLayout {
        if let explicit { return StateLayout(root: URL(fileURLWithPath: explicit).standardizedFileURL.path) }
        let name = demo ? "demo" : "local"
        if let home = environment["TERN_HOME"], !home.isEmpty { return StateLayout(root: "\(home)/\(name)") }
        return StateLayout(root: "/tmp/tern-\(name)")
    }

    public var identity: String { "\(root)/identity" }
    public var trustAnchors: String { "\(identity)/ca.crt" }
    public var cluster: String { "\(root)/cluster" }
    public var applied: String { "\(cluster)/applied" }
    public var runtimeManifests: String { "\(cluster)/runtime" }
    public var podsFile: String { "\(runtimeManifests)/pods.yaml" }
    public var tokens: String { "\(root)/tokens" }
    public var logs: String { "\(root)/logs" }
    public var record: String { "\(root)/runtime.json" }

    public func token(namespace: String, serviceAccount: String) -> String { "\(tokens)/\(namespace)-\(serviceAccount).token" }
    public func log(_ name: String) -> String { "\(logs)/\(name).log" }
}

/// Writes a file so readers never see half of it: to a temporary name, then renamed.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// Writes only when the content differs, so watchers see no change for equal content.
    @discardableResult
    public static func update(_ text: String, at path: String) throws -> Bool {
        if let current = try? String(contentsOfFile: path, encoding: .utf8), current == text { return false }
        try write(text, to: path)
        return true
    }
}
