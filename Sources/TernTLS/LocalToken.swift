import Crypto
import FoundationEssentials
import TernCore

/// Service-account tokens for the local runtime, which has no Kubernetes API to mint real ones.
/// The runtime and the controller share a 32-byte key (`local-token.key`, mode 0600); a token is
/// `tern-local.v1.{ns}.{sa}.{expiry-unix}.{hmac-sha256-hex}`. Tokens are bearer secrets: they
/// are never logged, and nothing here puts one in an error.
public struct LocalTokenKey: Sendable {
    private let key: SymmetricKey

    public init(bytes: [UInt8]) throws(PKIError) {
        guard bytes.count >= 32 else { throw .invalid("a local token key needs at least 32 bytes") }
        self.key = SymmetricKey(data: bytes)
    }

    private init(key: SymmetricKey) { self.key = key }

    /// A fresh random key and the text of its key file.
    public static func generate() -> (key: LocalTokenKey, fileText: String) {
        let key = SymmetricKey(size: .bits256)
        return (LocalTokenKey(key: key), hex(key.withUnsafeBytes { Array($0) }) + "\n")
    }

    /// Reads the hex key file `tern identity init` writes.
    public static func load(atPath path: String) throws(PKIError) -> LocalTokenKey {
        let text = String(try PEMFiles.readText(atPath: path).filter { !$0.isWhitespace })
        guard let bytes = unhex(text) else { throw .unreadable(path, "not a hex-encoded token key") }
        return try LocalTokenKey(bytes: bytes)
    }

    /// A token proving `namespace/serviceAccount` until `expiry`.
    public func mint(namespace: String, serviceAccount: String, expiry: Date) -> String {
        let body = "tern-local.v1.\(namespace).\(serviceAccount).\(Int64(expiry.timeIntervalSince1970))"
        let mac = HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: key)
        return body + "." + Self.hex(Array(mac))
    }

    /// The subject a token proves, or why it proves nothing. Comparison is constant-time.
    public func verify(_ token: [UInt8], now: Date = Date()) throws(LocalTokenRejection) -> (namespace: String, serviceAccount: String) {
        let text = String(decoding: token, as: UTF8.self)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "tern-local", parts[1] == "v1",
            let expiry = Int64(parts[4]), let mac = Self.unhex(String(parts[5]))
        else { throw .malformed }
        let body = parts[0..<5].joined(separator: ".")
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array(body.utf8), using: key) else {
            throw .badSignature
        }
        guard Int64(now.timeIntervalSince1970) < expiry else { throw .expired }
        return (String(parts[2]), String(parts[3]))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return out
    }

    static func unhex(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}

/// Why a local token proves nothing. Deliberately carries no part of the token.
public enum LocalTokenRejection: Error, Hashable, Sendable, CustomStringConvertible {
    case malformed, badSignature, expired

    public var description: String {
        switch self {
        case .malformed: return "the token is not a Tern local token"
        case .badSignature: return "the token was not minted with this cluster's key"
        case .expired: return "the token has expired"
        }
    }
}
