import Foundation

/// One parsed HTTP/1 response.
struct HTTP1Response: Sendable {
    var status: Int
    var head: String
    var headers: [(String, String)]
    var body: [UInt8]
    var trailers: [(String, String)] = []

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// A hand-written HTTP/1 client over a blocking socket, for what curl cannot show: pipelined
/// requests on one connection, malformed bytes, exact framing. Blocking: use from `offPool`.
final class HTTP1Connection: @unchecked Sendable {
    let socket: BlockingSocket
    private var buffer: [UInt8] = []

    init(_ socket: BlockingSocket) { self.socket = socket }

    func send(_ text: String) throws { try socket.send(text) }
    func send(_ bytes: [UInt8]) throws { try socket.send(bytes) }
    func close() { socket.close() }

    /// Reads one response: its head, then a body framed by content-length, chunked encoding,
    /// or the end of the connection. Throws when the stream breaks before the body is whole.
    func readResponse(bodyless: Bool = false) throws -> HTTP1Response {
        var head = try readLine() + "\r\n"
        var headers: [(String, String)] = []
        while true {
            let line = try readLine()
            head += line + "\r\n"
            if line.isEmpty { break }
            if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        var response = HTTP1Response(status: status, head: head, headers: headers, body: [])
        if bodyless || status / 100 == 1 || status == 204 || status == 304 { return response }
        if let length = response.header("content-length").flatMap(Int.init) {
            response.body = try read(exactly: length)
        } else if response.header("transfer-encoding")?.lowercased() == "chunked" {
            (response.body, response.trailers) = try readChunked()
        } else {
            while let chunk = try next() { response.body += chunk }
        }
        return response
    }

    private func readChunked() throws -> ([UInt8], [(String, String)]) {
        var body: [UInt8] = []
        while true {
            let sizeLine = try readLine()
            guard let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) else {
                throw HarnessError("bad chunk size line \"\(sizeLine)\"")
            }
            if size == 0 { break }
            body += try read(exactly: size)
            guard try readLine().isEmpty else { throw HarnessError("chunk not followed by CRLF") }
        }
        var trailers: [(String, String)] = []
        while case let line = try readLine(), !line.isEmpty {
            if let colon = line.firstIndex(of: ":") {
                trailers.append((String(line[..<colon]).lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        return (body, trailers)
    }

    func read(exactly count: Int) throws -> [UInt8] {
        while buffer.count < count {
            guard try fill() else { throw HarnessError("stream ended after \(buffer.count) of \(count) bytes") }
        }
        defer { buffer.removeFirst(count) }
        return Array(buffer[..<count])
    }

    private func readLine() throws -> String {
        while true {
            if let end = buffer.firstIndex(of: 10) {
                let line = buffer[..<end].last == 13 ? buffer[..<(end - 1)] : buffer[..<end]
                defer { buffer.removeFirst(end + 1) }
                return String(decoding: line, as: UTF8.self)
            }
            guard try fill() else { throw HarnessError("stream ended inside a line") }
        }
    }

    /// One more read from the socket into the buffer; false at end of stream.
    private func fill() throws -> Bool {
        guard let chunk = try socket.receive() else { return false }
        buffer += chunk
        return true
    }

    /// Buffered bytes first, then the socket; nil at end of stream.
    func next() throws -> [UInt8]? {
        if !buffer.isEmpty {
            defer { buffer = [] }
            return buffer
        }
        return try socket.receive()
    }
}
