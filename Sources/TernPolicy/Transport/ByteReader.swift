/// Bounds-checked, big-endian reads over borrowed bytes, for the wire parsers in this folder.
///
/// Every read either fits inside the bytes the reader was given or returns nil without moving,
/// so a parser built on it cannot index past the end however the length fields in its input lie.
/// The reader borrows: it must not outlive the buffer it was made from.
struct ByteReader {
    private let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset == bytes.count }

    /// The bytes not read yet, without consuming them.
    var unread: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[offset...]) }

    mutating func readUInt8() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readUInt16() -> UInt16? {
        guard remaining >= 2 else { return nil }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func readUInt24() -> Int? {
        guard remaining >= 3 else { return nil }
        defer { offset += 3 }
        return Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
    }

    /// The next `count` bytes as their own reader; nil (and nothing consumed) if fewer remain.
    mutating func readReader(count: Int) -> ByteReader? {
        guard count >= 0, remaining >= count else { return nil }
        defer { offset += count }
        return ByteReader(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]))
    }

    mutating func skip(_ count: Int) -> Bool {
        readReader(count: count) != nil
    }

    /// A one-byte length followed by that many bytes, as a reader over those bytes.
    mutating func readLengthPrefixed8() -> ByteReader? {
        let start = offset
        guard let length = readUInt8() else { return nil }
        guard let body = readReader(count: Int(length)) else {
            offset = start
            return nil
        }
        return body
    }

    /// A two-byte length followed by that many bytes, as a reader over those bytes.
    mutating func readLengthPrefixed16() -> ByteReader? {
        let start = offset
        guard let length = readUInt16() else { return nil }
        guard let body = readReader(count: Int(length)) else {
            offset = start
            return nil
        }
        return body
    }
}
