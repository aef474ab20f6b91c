import Foundation

/// What a running local runtime publishes in `runtime.json` for `tern local status`,
/// `tern check`, `tern local down` and `tern demo --stop`: who supervises, where everything
/// listens, and every resource to remove should the supervisor itself die.
public struct RuntimeRecord: Codable, Sendable, Equatable {
    public struct Controller: Codable, Sendable, Equatable {
        public var pid: Int32?
        public var adminURL: String
        public var identityAddress: String
        public var destinationAddress: String
        public var policyAddress: String

        public init(pid: Int32? = nil, adminURL: String, identityAddress: String, destinationAddress: String, policyAddress: String) {
            self.pid = pid
            self.adminURL = adminURL
            self.identityAddress = identityAddress
            self.destinationAddress = destinationAddress
            self.policyAddress = policyAddress
        }
    }

    public struct Workload: Codable, Sendable, Equatable {
        public var namespace: String
        public var name: String
        public var identity: String
        public var placement: Placement
        public var applicationPID: Int32?
        public var proxyPID: Int32?
        public var restarts: Int
        /// The application's own URL (its first port), for pages and stats.
        public var applicationURL: String?

        public init(namespace: String, name: String, identity: String, placement: Placement, applicationPID: Int32?, proxyPID: Int32?,
                    restarts: Int, applicationURL: String?) {
            self.namespace = namespace
            self.name = name
            self.identity = identity
            self.placement = placement
            self.applicationPID = applicationPID
            self.proxyPID = proxyPID
            self.restarts = restarts
            self.applicationURL = applicationURL
        }
    }

    public var mode: RuntimeMode
    public var modeReason: String
    public var supervisorPID: Int32
    public var stateDirectory: String
    public var ephemeral: Bool
    public var controller: Controller
    public var workloads: [Workload]
    public var skipped: [String]
    public var bridge: String?
    public var subnet: SubnetPlan?
    /// Every network namespace created, including ones whose workload is gone but whose
    /// removal failed: `down` retries them.
    public var networkNamespaces: [String]
    public var startedAt: Date

    public init(mode: RuntimeMode, modeReason: String, supervisorPID: Int32, stateDirectory: String, ephemeral: Bool, controller: Controller,
                workloads: [Workload], skipped: [String], bridge: String?, subnet: SubnetPlan?, networkNamespaces: [String], startedAt: Date) {
        self.mode = mode
        self.modeReason = modeReason
        self.supervisorPID = supervisorPID
        self.stateDirectory = stateDirectory
        self.ephemeral = ephemeral
        self.controller = controller
        self.workloads = workloads
        self.skipped = skipped
        self.bridge = bridge
        self.subnet = subnet
        self.networkNamespaces = networkNamespaces
        self.startedAt = startedAt
    }

    public static func load(_ layout: StateLayout) -> RuntimeRecord? {
        guard let data = FileManager.default.contents(atPath: layout.record) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(RuntimeRecord.self, from: data)
    }

    public func save(_ layout: StateLayout) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFile.update(String(decoding: try encoder.encode(self), as: UTF8.self) + "\n", at: layout.record)
    }

    public func workload(named name: String) -> Workload? { workloads.first { $0.name == name } }
}
