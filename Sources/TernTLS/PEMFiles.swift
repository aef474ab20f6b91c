import Crypto
import SwiftASN1
import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing the PEM files an operator keeps: trust anchors, issuer certificate, keys.
/// POSIX I/O keeps TernTLS free of Foundation's file APIs and lets key files be created 0600
/// atomically, with no window in which another user could read them.
public enum PEMFiles {
    /// All certificates in a PEM file, in order. A bundle of several anchors is how anchors rotate.
    public static func certificates(pem: String, source: String) throws(PKIError) -> [Certificate] {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw .unreadable(source, "not PEM: \(error)")
        }
        let certificateDocuments = documents.filter { $0.discriminator == "CERTIFICATE" }
        guard !certificateDocuments.isEmpty else { throw .unreadable(source, "no CERTIFICATE block") }
        var certificates: [Certificate] = []
        for document in certificateDocuments {
            do {
                certificates.append(try Certificate(pemDocument: document))
            } catch {
                throw .unreadable(source, "malformed certificate: \(error)")
            }
        }
        return certificates
    }

    public static func certificates(atPath path: String) throws(PKIError) -> [Certificate] {
        try certificates(pem: try readText(atPath: path), source: path)
    }

    /// A private key in SEC1 (`EC PRIVATE KEY`), PKCS#8 or RSA PEM. Errors never include key bytes.
    public static func privateKey(atPath path: String) throws(PKIError) -> Certificate.PrivateKey {
        let text = try readText(atPath: path)
        do {
            return try Certificate.PrivateKey(pemEncoded: text)
        } catch {
            throw .unreadable(path, "not a supported private key (EC P-256/P-384, RSA, Ed25519 in PEM)")
        }
    }

    public static func pem(_ certificates: [Certificate]) throws -> String {
        try certificates.map { try $0.serializeAsPEM().pemString }.joined(separator: "\n") + "\n"
    }

    public static func readText(atPath path: String) throws(PKIError) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .unreadable(path, String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { throw .unreadable(path, String(cString: strerror(errno))) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `text` to `path`, replacing it. Secrets pass `mode: 0o600`; the mode is applied at
    /// creation and again with fchmod so a pre-existing file with wider permissions is narrowed.
    public static func write(_ text: String, toPath path: String, mode: mode_t) throws(PKIError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw .unwritable(path, String(cString: strerror(errno))) }
        defer { close(fd) }
        guard fchmod(fd, mode) == 0 else { throw .unwritable(path, String(cString: strerror(errno))) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
            if n < 0 { throw .unwritable(path, String(cString: strerror(errno))) }
            offset += n
        }
    }
}

/// POSIX write(2), named apart from `PEMFiles.write` so the call inside it is unambiguous.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// Why PKI material could not be read, written or used. Messages name files, never contents.
public enum PKIError: Error, Hashable, Sendable, CustomStringConvertible {
    case unreadable(String, String)
    case unwritable(String, String)
    case invalid(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let why): return "cannot read \(path): \(why)"
        case .unwritable(let path, let why): return "cannot write \(path): \(why)"
        case .invalid(let why): return why
        }
    }
}
