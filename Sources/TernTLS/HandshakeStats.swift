import Synchronization

/// Counts mesh handshakes by outcome so the admin server can expose them and tests can assert
/// that each rejection was both refused and counted under the right reason.
public final class HandshakeStats: Sendable {
    private let counts = Mutex<[String: UInt64]>([:])

    public init() {}

    public func recordAccepted() { bump("accepted") }

    public func record(_ rejection: HandshakeRejection) { bump(rejection.label) }

    /// How many handshakes ended with `label` ("accepted" or a `HandshakeRejection.label`).
    public func count(_ label: String) -> UInt64 { counts.withLock { $0[label, default: 0] } }

    public var snapshot: [String: UInt64] { counts.withLock { $0 } }

    private func bump(_ label: String) { counts.withLock { $0[label, default: 0] += 1 } }
}
