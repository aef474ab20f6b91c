import FoundationEssentials
import TernTLS

/// Who a token proves the caller to be: a service account in a namespace.
public struct TokenSubject: Hashable, Sendable {
    public let namespace: String
    public let serviceAccount: String

    public init(namespace: String, serviceAccount: String) {
        self.namespace = namespace
        self.serviceAccount = serviceAccount
    }
}

/// Checks the bearer token a proxy sends with its CSR. Pluggable so the local runtime's HMAC
/// tokens work now and a Kubernetes TokenReview verifier can slot in for the cluster runtime.
/// Implementations must never put the token, or any part of it, into an error or a log line.
public protocol TokenVerifier: Sendable {
    func verify(token: [UInt8]) async throws(TokenRejection) -> TokenSubject
}

/// Why a token proves nothing. Safe to send back to the caller: it carries no token bytes.
public struct TokenRejection: Error, Hashable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Verifies tokens minted by the local runtime with the shared `local-token.key`.
public struct LocalTokenVerifier: TokenVerifier {
    private let key: LocalTokenKey

    public init(key: LocalTokenKey) { self.key = key }

    public func verify(token: [UInt8]) async throws(TokenRejection) -> TokenSubject {
        do {
            let subject = try key.verify(token)
            return TokenSubject(namespace: subject.namespace, serviceAccount: subject.serviceAccount)
        } catch {
            throw TokenRejection(error.description)
        }
    }
}
