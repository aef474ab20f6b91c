import FoundationEssentials
import Synchronization
import TernCore
import TernTLS
import X509

/// The decision behind Certify, free of gRPC so it is tested and benchmarked directly:
/// identity parses and belongs to this trust domain, the token proves that identity, the CSR
/// is self-signed and asks for that identity only; then a leaf is issued. The issuer can be
/// swapped at runtime (issuer rotation) without restarting the server.
public final class CertifyAuthority: Sendable {
    public struct Config: Sendable {
        public var trustDomain: String
        public var controlPlaneNamespace: String
        public var leafLifetime: Duration
        public var backdate: Duration

        public init(
            trustDomain: String,
            controlPlaneNamespace: String = MeshIdentity.defaultControlPlaneNamespace,
            leafLifetime: Duration = .seconds(24 * 3600),
            backdate: Duration = .seconds(20)
        ) {
            self.trustDomain = trustDomain
            self.controlPlaneNamespace = controlPlaneNamespace
            self.leafLifetime = leafLifetime
            self.backdate = backdate
        }
    }

    public let config: Config
    public let stats = CertifyStats()
    private let tokens: any TokenVerifier
    private let issuer: Mutex<LeafIssuer>

    public init(config: Config, issuer: IssuerCredentials, tokens: any TokenVerifier) {
        self.config = config
        self.tokens = tokens
        self.issuer = Mutex(LeafIssuer(issuer: issuer, leafLifetime: config.leafLifetime, backdate: config.backdate))
    }

    /// The issuer signing new leaves now.
    public var currentIssuer: IssuerCredentials { issuer.withLock { $0.issuer } }

    /// Rotates the issuer: later leaves are signed by `newIssuer`; leaves already issued stay
    /// valid for as long as their chain does.
    public func replaceIssuer(_ newIssuer: IssuerCredentials) {
        issuer.withLock { $0 = LeafIssuer(issuer: newIssuer, leafLifetime: config.leafLifetime, backdate: config.backdate) }
    }

    public func certify(identity name: String, token: [UInt8], csr: [UInt8], now: Date = Date()) async throws(CertifyFailure) -> LeafIssuer.Issued {
        do {
            let issued = try await decide(identity: name, token: token, csr: csr, now: now)
            stats.record("ok")
            return issued
        } catch {
            stats.record(error.label)
            throw error
        }
    }

    private func decide(identity name: String, token: [UInt8], csr: [UInt8], now: Date) async throws(CertifyFailure) -> LeafIssuer.Issued {
        let identity: MeshIdentity
        do {
            identity = try MeshIdentity(dnsName: name)
        } catch {
            throw .invalidIdentity(error.description)
        }
        guard identity.trustDomain == config.trustDomain, identity.controlPlaneNamespace == config.controlPlaneNamespace else {
            throw .invalidIdentity(
                "\(name) is outside this mesh (\(config.controlPlaneNamespace).\(config.trustDomain))")
        }
        guard !token.isEmpty else { throw .unauthenticated("no token was sent") }
        let subject: TokenSubject
        do {
            subject = try await tokens.verify(token: token)
        } catch {
            throw .unauthenticated("the token was not accepted: \(error.reason)")
        }
        guard subject.namespace == identity.namespace, subject.serviceAccount == identity.serviceAccount else {
            throw .permissionDenied(
                "the token is for service account \(subject.namespace)/\(subject.serviceAccount), "
                    + "not \(identity.namespace)/\(identity.serviceAccount)")
        }
        let publicKey: Certificate.PublicKey
        do {
            publicKey = try IdentityCSR.check(csr, for: identity)
        } catch {
            throw .invalidCSR(error.description)
        }
        let leafIssuer = issuer.withLock { $0 }
        do {
            return try leafIssuer.issue(for: identity, publicKey: publicKey, now: now)
        } catch {
            throw .issuanceFailed("the certificate could not be signed: \(error)")
        }
    }
}

/// Why Certify refused, mapped one-to-one onto gRPC status codes by the service adapter.
public enum CertifyFailure: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidIdentity(String)
    case unauthenticated(String)
    case permissionDenied(String)
    case invalidCSR(String)
    case issuanceFailed(String)

    public var label: String {
        switch self {
        case .invalidIdentity: return "invalid_identity"
        case .unauthenticated: return "unauthenticated"
        case .permissionDenied: return "permission_denied"
        case .invalidCSR: return "invalid_csr"
        case .issuanceFailed: return "internal"
        }
    }

    public var description: String {
        switch self {
        case .invalidIdentity(let why), .unauthenticated(let why), .permissionDenied(let why),
            .invalidCSR(let why), .issuanceFailed(let why):
            return why
        }
    }
}

/// Certify outcomes by result label ("ok" or a `CertifyFailure.label`).
public final class CertifyStats: Sendable {
    private let counts = Mutex<[String: UInt64]>([:])
    public init() {}
    func record(_ label: String) { counts.withLock { $0[label, default: 0] += 1 } }
    public func count(_ label: String) -> UInt64 { counts.withLock { $0[label, default: 0] } }
}
