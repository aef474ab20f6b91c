import Foundation

/// Everything a local runtime needs to start: where its state lives, which mode, where the
/// Tern executables are, and the manifests it begins with.
public struct RuntimeConfiguration: Sendable {
    public var layout: StateLayout
    public var mode: ModeChoice
    /// Directory holding `tern`, `tern-proxy` and `tern-controller`.
    public var binaries: String
    /// Manifests copied into `cluster/applied/` before anything starts (name → content).
    public var initialManifests: [(name: String, text: String)]
    /// Where progress lines go (the terminal of `tern demo` / `tern local up`).
    public var log: @Sendable (String) -> Void

    public init(layout: StateLayout, mode: ModeChoice, binaries: String, initialManifests: [(name: String, text: String)],
                log: @escaping @Sendable (String) -> Void) {
        self.layout = layout
        self.mode = mode
        self.binaries = binaries
        self.initialManifests = initialManifests
        self.log = log
    }

    /// The directory of the running executable: `tern`'s siblings are the other binaries.
    public static var ownDirectory: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    public var tern: String { "\(binaries)/tern" }
    public var proxy: String { "\(binaries)/tern-proxy" }
    public var controller: String { "\(binaries)/tern-controller" }
}
