import Foundation
import TernCore
import TernPolicy

// The one place destination messages and TernPolicy's endpoint values meet, both directions:
// the controller encodes with `init(_:)`, the proxy decodes with `domain()`.

extension Tern_Destination_V1_Update {
    public init(_ update: EndpointUpdate) {
        self.init()
        switch update {
        case .add(let endpoints, let labels):
            var set = Tern_Destination_V1_WeightedAddrSet()
            set.addrs = endpoints.map(Tern_Destination_V1_WeightedAddr.init)
            set.metricLabels = labels
            self.add = set
        case .remove(let addresses):
            var set = Tern_Destination_V1_AddrSet()
            set.addrs = addresses.compactMap(Tern_Destination_V1_TcpAddress.init(socketAddress:))
            self.remove = set
        case .noEndpoints(let exists):
            var none = Tern_Destination_V1_NoEndpoints()
            none.exists = exists
            self.noEndpoints = none
        }
    }

    /// The domain update; nil for a message with no update set (a newer sender's field).
    public func domain() throws(AdapterError) -> EndpointUpdate? {
        switch update {
        case .add(let set)?:
            return .add(try set.addrs.map { a throws(AdapterError) in try a.domain() }, setLabels: set.metricLabels)
        case .remove(let set)?:
            return .remove(try set.addrs.map { a throws(AdapterError) in try a.socketAddress() })
        case .noEndpoints(let none)?:
            return .noEndpoints(exists: none.exists)
        case nil:
            return nil
        }
    }
}

extension Tern_Destination_V1_WeightedAddr {
    public init(_ endpoint: Endpoint) {
        self.init()
        addr = Tern_Destination_V1_TcpAddress(address: endpoint.address, port: endpoint.port) ?? Tern_Destination_V1_TcpAddress()
        weight = endpoint.weight
        metricLabels = endpoint.labels
        if let identity = endpoint.identity {
            var tls = Tern_Destination_V1_TlsIdentity()
            tls.dnsName = identity
            tlsIdentity = tls
        }
        var hint = Tern_Destination_V1_ProtocolHint()
        switch endpoint.protocolHint {
        case .unknown: hint.protocol = .unknown
        case .http2: hint.protocol = .h2
        case .opaque: hint.protocol = .opaque
        }
        hint.opaqueTransportPort = UInt32(endpoint.opaqueTransportPort ?? 0)
        protocolHint = hint
    }

    public func domain() throws(AdapterError) -> Endpoint {
        guard let ip = IPAddress(bytes: [UInt8](addr.ip)) else { throw .invalid("endpoint address has \(addr.ip.count) bytes; expected 4 or 16") }
        guard (1...65535).contains(addr.port) else { throw .invalid("endpoint port \(addr.port) is out of range") }
        let hint: ProtocolHint
        switch protocolHint.protocol {
        case .h2: hint = .http2
        case .opaque: hint = .opaque
        default: hint = .unknown
        }
        return Endpoint(address: ip.description, port: Int(addr.port), weight: weight,
                        identity: hasTlsIdentity && !tlsIdentity.dnsName.isEmpty ? tlsIdentity.dnsName : nil,
                        protocolHint: hint,
                        opaqueTransportPort: protocolHint.opaqueTransportPort == 0 ? nil : Int(protocolHint.opaqueTransportPort),
                        labels: metricLabels)
    }
}

extension Tern_Destination_V1_TcpAddress {
    init?(address: String, port: Int) {
        guard let ip = IPAddress(parsing: address) else { return nil }
        self.init()
        self.ip = Data(ip.bytes)
        self.port = UInt32(port)
    }

    /// From `10.0.0.1:80` or `[fd00::1]:80`.
    init?(socketAddress: String) {
        var text = Substring(socketAddress)
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { return nil }
        text = text[..<colon]
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        self.init(address: String(text), port: port)
    }

    func socketAddress() throws(AdapterError) -> String {
        guard let ip = IPAddress(bytes: [UInt8](self.ip)) else { throw .invalid("address has \(self.ip.count) bytes; expected 4 or 16") }
        return Endpoint(address: ip.description, port: Int(port)).socketAddress
    }
}

/// A message that cannot be turned into a domain value.
public enum AdapterError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let why): return "invalid message: \(why)"
        }
    }
}
