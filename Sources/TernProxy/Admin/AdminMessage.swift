import NIOHTTP1

/// A complete admin request as the routes see it: no NIO types beyond the method, so routes
/// are tested without sockets.
struct AdminRequest: Sendable {
    var method: HTTPMethod
    /// The path without its query string.
    var path: String
    var body: String
    /// Whether the peer connected from a loopback address (for `/shutdown`).
    var peerIsLoopback: Bool
}

struct AdminResponse: Sendable {
    var status: HTTPResponseStatus
    var contentType: String = "text/plain; charset=utf-8"
    var body: String
    var headers: [(String, String)] = []
    /// Closes the connection after this response (errors that leave the stream unusable).
    var closesConnection = false
    /// Runs once the response has been written (shutdown waits until its answer is out).
    var afterWrite: (@Sendable () -> Void)?

    static func text(_ status: HTTPResponseStatus, _ body: String) -> AdminResponse {
        AdminResponse(status: status, body: body.hasSuffix("\n") ? body : body + "\n")
    }
}
