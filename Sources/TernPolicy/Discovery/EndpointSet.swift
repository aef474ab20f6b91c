/// The endpoints of one logical destination as the control plane sees them now.
public struct EndpointSet: Hashable, Sendable, Codable {
    /// False when no service answers to the destination at all (the proxy then forwards to the
    /// original address); true with no endpoints when the service exists but nothing is ready.
    public var exists: Bool
    public var endpoints: [Endpoint]
    /// Labels that describe the destination itself (namespace, service), for `dst_*` metrics.
    public var labels: [String: String]

    public init(exists: Bool, endpoints: [Endpoint] = [], labels: [String: String] = [:]) {
        self.exists = exists
        self.endpoints = endpoints.sorted { $0.socketAddress < $1.socketAddress }
        self.labels = labels
    }

    public static let unknown = EndpointSet(exists: false)

    /// The updates that turn `old` into `self`; empty when nothing changed. A first update
    /// (old nil) sends the whole set.
    public func updates(from old: EndpointSet?) -> [EndpointUpdate] {
        guard let old else {
            return endpoints.isEmpty ? [.noEndpoints(exists: exists)] : [.add(endpoints, setLabels: labels)]
        }
        if old == self { return [] }
        if endpoints.isEmpty { return [.noEndpoints(exists: exists)] }
        let oldByAddress = Dictionary(old.endpoints.map { ($0.socketAddress, $0) }, uniquingKeysWith: { a, _ in a })
        let newAddresses = Set(endpoints.map(\.socketAddress))
        let removed = old.endpoints.map(\.socketAddress).filter { !newAddresses.contains($0) }
        // A changed endpoint (new identity or weight) is re-added: add replaces by address.
        let added = endpoints.filter { oldByAddress[$0.socketAddress] != $0 }
        var out: [EndpointUpdate] = []
        if !removed.isEmpty { out.append(.remove(removed)) }
        if !added.isEmpty || old.labels != labels { out.append(.add(added, setLabels: labels)) }
        return out
    }
}

/// One step of an endpoint stream.
public enum EndpointUpdate: Hashable, Sendable, Codable {
    /// Endpoints to add or replace (by address), and the destination's labels.
    case add([Endpoint], setLabels: [String: String])
    /// Endpoints gone, by socket address.
    case remove([String])
    /// Nothing to send to; `exists` tells whether the service is known at all.
    case noEndpoints(exists: Bool)
}

extension EndpointSet {
    /// Applies an update to a proxy's view of the set.
    public mutating func apply(_ update: EndpointUpdate) {
        switch update {
        case .add(let added, let labels):
            exists = true
            self.labels = labels
            let replaced = Set(added.map(\.socketAddress))
            endpoints = (endpoints.filter { !replaced.contains($0.socketAddress) } + added).sorted { $0.socketAddress < $1.socketAddress }
        case .remove(let addresses):
            let gone = Set(addresses)
            endpoints.removeAll { gone.contains($0.socketAddress) }
        case .noEndpoints(let exists):
            self.exists = exists
            endpoints = []
        }
    }
}
