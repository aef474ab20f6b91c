/// What a meshed connection carries once the server proxy hands it to the application.
public enum SessionProtocol: UInt8, Sendable {
    case opaque = 0
    case http1 = 1
    case http2 = 2
}

/// The first bytes a client proxy writes on a mesh connection, right after mTLS is
/// established: which local port on the server's workload the connection is for, and — so the
/// server proxy need not sniff again — what it carries.
///
/// Wire format (all integers big-endian):
///
/// | Offset | Size | Field                                          |
/// |--------|------|------------------------------------------------|
/// | 0      | 4    | magic `D1 54 52 4E` (0xD1, then ASCII `TRN`)   |
/// | 4      | 1    | format version, `01`                           |
/// | 5      | 2    | body length N, at most `maxEncodedSize - 7`    |
/// | 7      | N    | body: a sequence of fields                     |
///
/// Each field is `type (1) | length (2) | value (length)`:
///
/// | Type | Value                                        | Presence                      |
/// |------|----------------------------------------------|-------------------------------|
/// | 1    | target port, 2 bytes, 1...65535              | required                      |
/// | 2    | logical name, 1...253 bytes of UTF-8         | optional                      |
/// | 3    | session protocol, 1 byte (`SessionProtocol`) | optional, absent means opaque |
/// | else | skipped, for fields added later              | any                           |
///
/// Known fields may appear once each, in any order. The magic's first byte is neither
/// printable ASCII nor a TLS record type, so a peer speaking plain HTTP or TLS where the
/// header belongs fails on its first byte; `TRN` keeps the header recognizable in captures.
/// The version changes only for incompatible layouts; new information goes into new field
/// types, which older decoders skip, so both sides can be upgraded in any order. Application
/// data follows the body immediately.
public struct TransportHeader: Equatable, Sendable {
    /// The port on the server's workload the client connected to. Port 0 is encoded as given,
    /// and rejected by `decode`.
    public var port: UInt16
    /// The authority the client resolved (e.g. `web.faces.svc.cluster.local:80`), for the
    /// server's logs and metrics. A name that is empty or longer than `maxNameLength` UTF-8
    /// bytes is left out of the encoding: it is informational and the connection does not
    /// depend on it.
    public var name: String?
    public var sessionProtocol: SessionProtocol

    public init(port: UInt16, name: String? = nil, sessionProtocol: SessionProtocol = .opaque) {
        self.port = port
        self.name = name
        self.sessionProtocol = sessionProtocol
    }

    /// The longest header `decode` accepts, preamble included. The fields defined today need
    /// under 300 bytes; 1 KiB leaves room for later fields while bounding what a server proxy
    /// buffers before it knows where a connection goes.
    public static let maxEncodedSize = 1024
    /// The longest logical name: a DNS name's maximum text length.
    public static let maxNameLength = 253

    static let magic: [UInt8] = [0xD1, 0x54, 0x52, 0x4E]
    static let version: UInt8 = 1
    static let preambleLength = 7  // magic, version, body length
    static let maxBodyLength = maxEncodedSize - preambleLength

    enum FieldType: UInt8 {
        case port = 1
        case name = 2
        case sessionProtocol = 3
    }

    public func encoded() -> [UInt8] {
        var body: [UInt8] = []
        Self.appendField(.port, [UInt8(port >> 8), UInt8(port & 0xFF)], to: &body)
        if let name, (1...Self.maxNameLength).contains(name.utf8.count) {
            Self.appendField(.name, Array(name.utf8), to: &body)
        }
        Self.appendField(.sessionProtocol, [sessionProtocol.rawValue], to: &body)

        var out = Self.magic
        out.reserveCapacity(Self.preambleLength + body.count)
        out.append(Self.version)
        out.append(UInt8(body.count >> 8))
        out.append(UInt8(body.count & 0xFF))
        out.append(contentsOf: body)
        return out
    }

    private static func appendField(_ type: FieldType, _ value: [UInt8], to body: inout [UInt8]) {
        body.append(type.rawValue)
        body.append(UInt8(value.count >> 8))
        body.append(UInt8(value.count & 0xFF))
        body.append(contentsOf: value)
    }
}
