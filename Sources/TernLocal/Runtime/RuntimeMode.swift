/// How workloads reach the mesh. Transparent: each workload is a network namespace with
/// `tern proxy-init` rules, so applications know nothing of the mesh. Explicit: everything on
/// 127.0.0.1 and applications use `HTTP_PROXY`.
public enum RuntimeMode: String, Codable, Sendable, CaseIterable {
    case transparent, explicit
}

/// What the host offers for transparent mode.
public struct HostCapabilities: Sendable, Equatable {
    public var isLinux: Bool
    public var isRoot: Bool
    /// Programs transparent mode runs (ip, iptables-restore, setpriv) that are not installed.
    public var missingTools: [String]

    public init(isLinux: Bool, isRoot: Bool, missingTools: [String]) {
        self.isLinux = isLinux
        self.isRoot = isRoot
        self.missingTools = missingTools
    }

    /// Why transparent mode cannot run here, or nil when it can.
    public var transparentBlocker: String? {
        if !isLinux { return "network namespaces and iptables need Linux" }
        if !isRoot { return "creating network namespaces and iptables rules needs root" }
        if !missingTools.isEmpty { return "\(missingTools.joined(separator: ", ")) not installed (apt-get install iproute2 iptables util-linux)" }
        return nil
    }
}

/// The mode to run in and the sentence that tells the user why.
public struct ModeChoice: Sendable, Equatable {
    public var mode: RuntimeMode
    public var reason: String

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// A requested mode wins when the host supports it; without a request, transparent when
    /// possible, else explicit with the reason transparent was not possible.
    public static func choose(requested: RuntimeMode?, host: HostCapabilities) throws(Unavailable) -> ModeChoice {
        switch (requested, host.transparentBlocker) {
        case (.transparent?, let blocker?):
            throw Unavailable(description: "--mode transparent is not possible here: \(blocker); use --mode explicit")
        case (.transparent?, nil):
            return ModeChoice(mode: .transparent, reason: "requested with --mode transparent")
        case (.explicit?, _):
            return ModeChoice(mode: .explicit, reason: "requested with --mode explicit")
        case (nil, nil):
            return ModeChoice(mode: .transparent, reason: "running as root on Linux with ip, iptables and setpriv available")
        case (nil, let blocker?):
            return ModeChoice(mode: .explicit, reason: "transparent mode is not possible: \(blocker)")
        }
    }
}
