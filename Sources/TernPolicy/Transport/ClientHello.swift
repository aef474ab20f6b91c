/// The parts of a TLS ClientHello the proxy routes on.
public struct ClientHelloInfo: Equatable, Sendable {
    /// The SNI `host_name` (RFC 6066 §3), exactly as the client sent it; nil when the client
    /// sent no server_name extension.
    public var serverName: String?
    /// The ALPN protocol names offered (RFC 7301 §3.1), in the client's order; empty when the
    /// client sent no ALPN extension.
    public var alpn: [String]

    public init(serverName: String?, alpn: [String]) {
        self.serverName = serverName
        self.alpn = alpn
    }
}

extension ClientHelloInfo {
    /// TLS extension numbers (IANA "TLS ExtensionType Values").
    static let serverNameExtension: UInt16 = 0
    static let alpnExtension: UInt16 = 16

    /// Parses the body of a ClientHello handshake message — everything after the 4-byte
    /// handshake header, and nothing more — following RFC 8446 §4.1.2 (and RFC 5246 §7.4.1.2,
    /// whose hellos may end without an extensions block). Nil when any field is malformed.
    ///
    /// Fields that do not affect routing (random, session id, cipher suites, compression
    /// methods) are still walked with their length rules enforced: a hello whose skeleton is
    /// broken is not TLS the proxy should treat as TLS, whatever its SNI says.
    init?(clientHelloBody body: UnsafeRawBufferPointer) {
        var reader = ByteReader(body)
        // legacy_version: every TLS and SSL 3 hello has major version 3.
        guard let version = reader.readUInt16(), version >= 0x0300, version <= 0x0304 else { return nil }
        guard reader.skip(32) else { return nil }  // random
        guard let sessionID = reader.readLengthPrefixed8(), sessionID.remaining <= 32 else { return nil }
        // cipher_suites<2..2^16-2>: whole two-byte suites, at least one.
        guard let suites = reader.readLengthPrefixed16(),
              suites.remaining >= 2, suites.remaining % 2 == 0 else { return nil }
        // legacy_compression_methods<1..2^8-1>.
        guard let compression = reader.readLengthPrefixed8(), compression.remaining >= 1 else { return nil }

        // A TLS 1.2-era hello may stop here: no extensions at all (RFC 5246 §7.4.1.2).
        if reader.isAtEnd {
            self.init(serverName: nil, alpn: [])
            return
        }
        // The extensions block must be the last thing in the message, to the byte.
        guard var extensions = reader.readLengthPrefixed16(), reader.isAtEnd else { return nil }

        var serverName: String?
        var alpn: [String] = []
        var seen = Set<UInt16>()
        while !extensions.isAtEnd {
            guard let type = extensions.readUInt16(), let data = extensions.readLengthPrefixed16() else { return nil }
            // RFC 8446 §4.2: no extension type may appear twice. A duplicate SNI in particular
            // would let two parsers of the same bytes disagree on where the connection goes.
            guard seen.insert(type).inserted else { return nil }
            switch type {
            case Self.serverNameExtension:
                guard let name = Self.parseServerName(data) else { return nil }
                serverName = name
            case Self.alpnExtension:
                guard let names = Self.parseALPN(data) else { return nil }
                alpn = names
            default:
                break
            }
        }
        self.init(serverName: serverName, alpn: alpn)
    }

    /// `ServerNameList` (RFC 6066 §3). Only `host_name` (type 0) has ever been defined, and the
    /// RFC's own grammar makes other types unparseable in practice, so the list must hold
    /// exactly one entry and it must be a host name. The name must be non-empty printable
    /// ASCII: the RFC requires ASCII, and a name carrying spaces or control bytes is an attempt
    /// to confuse whatever compares it later, not a real host.
    private static func parseServerName(_ data: ByteReader) -> String? {
        var data = data
        guard var list = data.readLengthPrefixed16(), data.isAtEnd else { return nil }
        guard list.readUInt8() == 0, let name = list.readLengthPrefixed16(), list.isAtEnd else { return nil }
        let bytes = name.unread
        guard !bytes.isEmpty, bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `ProtocolNameList` (RFC 7301 §3.1): a non-empty list of non-empty names. Names are
    /// opaque bytes on the wire; every registered one is ASCII, so they are decoded as UTF-8,
    /// and a stray invalid byte becomes U+FFFD — which can never equal a name the proxy looks for.
    private static func parseALPN(_ data: ByteReader) -> [String]? {
        var data = data
        guard var list = data.readLengthPrefixed16(), data.isAtEnd, !list.isAtEnd else { return nil }
        var names: [String] = []
        while !list.isAtEnd {
            guard let name = list.readLengthPrefixed8(), !name.isAtEnd else { return nil }
            names.append(String(decoding: name.unread, as: UTF8.self))
        }
        return names
    }
}
