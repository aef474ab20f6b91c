import TernCore

/// What the proxy may assume about an endpoint's peer.
public enum ProtocolHint: String, Hashable, Sendable, Codable {
    /// Nothing known: speak the application's protocol in plaintext.
    case unknown
    /// A meshed peer that accepts mTLS and HTTP/2 multiplexing on its inbound port.
    case http2
    /// A meshed peer on an opaque port: mTLS, then raw bytes after the transport header.
    case opaque
}

/// One address behind a logical destination, with what a proxy needs to reach it.
public struct Endpoint: Hashable, Sendable, Codable, CustomStringConvertible {
    public var address: String
    public var port: Int
    /// Relative weight; Linkerd's default is 10000.
    public var weight: UInt32
    /// The identity the peer must present (DNS form), when it is meshed.
    public var identity: String?
    public var protocolHint: ProtocolHint
    /// For meshed peers: the inbound port that carries the transport header (4143).
    public var opaqueTransportPort: Int?
    /// Metric labels: namespace, pod, serviceaccount, and the owning workload (deployment, …).
    public var labels: [String: String]

    public init(address: String, port: Int, weight: UInt32 = 10_000, identity: String? = nil,
                protocolHint: ProtocolHint = .unknown, opaqueTransportPort: Int? = nil, labels: [String: String] = [:]) {
        self.address = address
        self.port = port
        self.weight = weight
        self.identity = identity
        self.protocolHint = protocolHint
        self.opaqueTransportPort = opaqueTransportPort
        self.labels = labels
    }

    /// `10.1.0.5:8080`, or `[fd00::5]:8080`.
    public var socketAddress: String { address.utf8.contains(UInt8(ascii: ":")) ? "[\(address)]:\(port)" : "\(address):\(port)" }

    public var description: String { socketAddress + (identity.map { " (\($0))" } ?? "") }
}
