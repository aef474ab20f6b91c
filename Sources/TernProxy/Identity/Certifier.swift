import Crypto
import FoundationEssentials
import Logging
import ServiceLifecycle
import TernCore
import TernTLS
import X509

/// Keeps the proxy certified: generates its key in memory once, sends a CSR with its token to
/// the identity service, installs the leaf into `MeshCredentials`, and refreshes at 70 % of the
/// remaining life (retrying with backoff when the service fails). New leaves affect only new
/// handshakes. The key is never written, logged or described.
public final class Certifier: Service, Sendable {
    public let identity: MeshIdentity
    public let metrics: IdentityMetrics
    private let credentials: MeshCredentials
    private let client: any CertifyClient
    private let token: @Sendable () throws -> [UInt8]
    private let policy: RefreshPolicy
    private let trigger = RefreshTrigger()
    private let logger: Logger

    public init(
        identity: MeshIdentity,
        credentials: MeshCredentials,
        client: any CertifyClient,
        policy: RefreshPolicy = RefreshPolicy(),
        metrics: IdentityMetrics = IdentityMetrics(),
        logger: Logger,
        token: @escaping @Sendable () throws -> [UInt8]
    ) {
        self.identity = identity
        self.credentials = credentials
        self.client = client
        self.policy = policy
        self.metrics = metrics
        self.logger = logger
        self.token = token
    }

    /// Reads the token file on every attempt: projected Kubernetes tokens rotate on disk.
    public static func tokenFile(_ path: String) -> @Sendable () throws -> [UInt8] {
        {
            do {
                return Array(try PEMFiles.readText(atPath: path).filter { !$0.isWhitespace }.utf8)
            } catch {
                throw CertifierError.tokenUnreadable("cannot read the identity token file \(path)")
            }
        }
    }

    /// Ends the current wait and refreshes now (operators, tests, anchor rotation).
    public func refreshNow() { trigger.fire() }

    public func run() async throws {
        let key = P256.Signing.PrivateKey()
        let csr = try IdentityCSR.make(for: identity, key: key)
        await cancelWhenGracefulShutdown {
            var failures = 0
            while !Task.isCancelled {
                let delay: Duration
                do {
                    let issued = try await self.client.certify(identity: self.identity.dnsName, token: try self.token(), csr: csr)
                    guard issued.leaf.meshIdentities == [self.identity] else {
                        throw CertifierError.badResponse("the identity service issued a certificate for another identity")
                    }
                    try self.credentials.install(leaf: issued.leaf, intermediates: issued.intermediates, key: key)
                    let now = Date()
                    self.metrics.recordSuccess(validUntil: issued.validUntil, at: now)
                    failures = 0
                    delay = self.policy.delayAfterSuccess(validUntil: issued.validUntil, now: now)
                    self.logger.info(
                        "certified",
                        metadata: ["identity": "\(self.identity)", "valid_until": "\(issued.validUntil)", "refresh_in": "\(delay)"])
                } catch {
                    if Task.isCancelled { break }
                    failures += 1
                    self.metrics.recordFailure()
                    delay = self.policy.delayAfterFailure(failures: failures)
                    // Errors here come from gRPC statuses and our own types; none carry the key
                    // or the token (the identity service never echoes it).
                    self.logger.warning(
                        "certification failed",
                        metadata: ["identity": "\(self.identity)", "error": "\(error)", "retry_in": "\(delay)"])
                }
                _ = await self.trigger.wait(upTo: delay)
            }
        }
    }
}
