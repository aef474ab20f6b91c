extension TransportHeader {
    public enum DecodeResult: Equatable, Sendable {
        case needMore
        /// The header, and how many bytes of the prefix it took; the bytes after `consumed`
        /// are application data.
        case header(TransportHeader, consumed: Int)
        /// Not a header this proxy can accept; the reason is for logs. The connection should be
        /// closed: there is no way to resynchronize with the peer.
        case invalid(String)
    }

    /// Decodes a header from the bytes received so far. The preamble is checked byte by byte,
    /// so a wrong magic, version or oversized body length is reported as soon as its byte
    /// arrives; the body is decoded once all of it is there.
    public static func decode(_ prefix: UnsafeRawBufferPointer) -> DecodeResult {
        for (index, expected) in magic.enumerated() where index < prefix.count {
            guard prefix[index] == expected else { return .invalid("bad magic") }
        }
        guard prefix.count > magic.count else { return .needMore }
        let foundVersion = prefix[magic.count]
        guard foundVersion == version else { return .invalid("unsupported version \(foundVersion)") }
        guard prefix.count >= preambleLength else { return .needMore }
        let bodyLength = Int(prefix[5]) << 8 | Int(prefix[6])
        guard bodyLength <= maxBodyLength else {
            return .invalid("body length \(bodyLength) exceeds the maximum of \(maxBodyLength)")
        }
        let consumed = preambleLength + bodyLength
        guard prefix.count >= consumed else { return .needMore }
        switch decodeBody(ByteReader(UnsafeRawBufferPointer(rebasing: prefix[preambleLength..<consumed]))) {
        case .success(let header): return .header(header, consumed: consumed)
        case .failure(let error): return .invalid(error.reason)
        }
    }

    struct BodyError: Error {
        var reason: String
    }

    private static func decodeBody(_ body: ByteReader) -> Result<TransportHeader, BodyError> {
        var body = body
        var port: UInt16?
        var name: String?
        var sessionProtocol: SessionProtocol?
        while !body.isAtEnd {
            let fieldOffset = body.offset
            guard let type = body.readUInt8(), let value = body.readLengthPrefixed16() else {
                return .failure(BodyError(reason: "field at body offset \(fieldOffset) overruns the body"))
            }
            let bytes = value.unread
            switch FieldType(rawValue: type) {
            case .port:
                guard port == nil else { return .failure(duplicate(type)) }
                guard bytes.count == 2 else { return .failure(badLength(type, bytes.count, expected: "2")) }
                let number = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
                guard number != 0 else { return .failure(BodyError(reason: "port 0")) }
                port = number
            case .name:
                guard name == nil else { return .failure(duplicate(type)) }
                guard (1...maxNameLength).contains(bytes.count) else {
                    return .failure(badLength(type, bytes.count, expected: "1...\(maxNameLength)"))
                }
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    return .failure(BodyError(reason: "name is not valid UTF-8"))
                }
                name = text
            case .sessionProtocol:
                guard sessionProtocol == nil else { return .failure(duplicate(type)) }
                guard bytes.count == 1 else { return .failure(badLength(type, bytes.count, expected: "1")) }
                guard let known = SessionProtocol(rawValue: bytes[0]) else {
                    return .failure(BodyError(reason: "unknown session protocol \(bytes[0])"))
                }
                sessionProtocol = known
            case nil:
                // A field from a newer peer: its length says how far to skip.
                break
            }
        }
        guard let port else { return .failure(BodyError(reason: "missing port")) }
        return .success(TransportHeader(port: port, name: name, sessionProtocol: sessionProtocol ?? .opaque))
    }

    private static func duplicate(_ type: UInt8) -> BodyError {
        BodyError(reason: "duplicate field \(type)")
    }

    private static func badLength(_ type: UInt8, _ length: Int, expected: String) -> BodyError {
        BodyError(reason: "field \(type) has length \(length), expected \(expected)")
    }
}
