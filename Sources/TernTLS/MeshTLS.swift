import FoundationEssentials
import NIOCore
import NIOSSL
import TernCore
import X509

/// Builds the TLS handlers for mesh connections from the current credentials. Both sides run
/// `PeerVerifier` in NIOSSL's custom verification callback, and a `MeshPeerHandler` behind the
/// TLS handler exposes the verified peer identity and counts every outcome.
public struct MeshTLS: Sendable {
    public let credentials: MeshCredentials
    public let stats: HandshakeStats

    public init(credentials: MeshCredentials, stats: HandshakeStats = HandshakeStats()) {
        self.credentials = credentials
        self.stats = stats
    }

    /// Adds mesh-server TLS to `pipeline`: a client certificate is required and must chain to
    /// the anchors; any mesh identity is accepted (authorization decides later).
    public func addServerHandlers(to pipeline: ChannelPipeline.SynchronousOperations) throws {
        let snapshot = try requireCredentials()
        let outcome = VerificationOutcome()
        let tls = NIOSSLServerHandler(
            context: snapshot.serverContext,
            configuration: .init(),
            customVerificationCallbackWithMetadata: Self.callback(
                verifier: snapshot.verifier, expected: nil, outcome: outcome))
        try pipeline.addHandler(tls)
        try pipeline.addHandler(MeshPeerHandler(outcome: outcome, stats: stats))
    }

    /// Adds mesh-client TLS to `pipeline`: the server must prove exactly `expected`, the
    /// identity the destination service gave for this endpoint. SNI carries that name, as
    /// Linkerd does, so a server can route or refuse before the handshake completes.
    public func addClientHandlers(to pipeline: ChannelPipeline.SynchronousOperations, expecting expected: MeshIdentity) throws {
        let snapshot = try requireCredentials()
        let outcome = VerificationOutcome()
        let tls = try NIOSSLClientHandler(
            context: snapshot.clientContext,
            serverHostname: expected.dnsName,
            configuration: .init(),
            customVerificationCallbackWithMetadata: Self.callback(
                verifier: snapshot.verifier, expected: expected, outcome: outcome))
        try pipeline.addHandler(tls)
        try pipeline.addHandler(MeshPeerHandler(outcome: outcome, stats: stats))
    }

    private func requireCredentials() throws -> MeshCredentials.Snapshot {
        guard let snapshot = credentials.current else { throw MeshTLSError.noCredentials }
        return snapshot
    }

    /// The verification runs off the event loop (X509's verifier is async) and completes the
    /// promise NIOSSL hands us; NIOSSL resumes the handshake on the loop.
    private static func callback(
        verifier: PeerVerifier, expected: MeshIdentity?, outcome: VerificationOutcome
    ) -> NIOSSLCustomVerificationCallbackWithMetadata {
        { presented, promise in
            let ders: [[UInt8]]
            do {
                ders = try presented.map { try $0.toDERBytes() }
            } catch {
                outcome.reject(.malformedCertificate)
                promise.succeed(.failed)
                return
            }
            promise.completeWithTask {
                do {
                    let certificates: [Certificate]
                    do {
                        certificates = try ders.map { try Certificate(derEncoded: $0) }
                    } catch {
                        throw HandshakeRejection.malformedCertificate
                    }
                    let verified = try await verifier.verify(presented: certificates, expected: expected)
                    let chain = try verified.chain.map { try NIOSSLCertificate(bytes: $0.derEncoded(), format: .der) }
                    outcome.accept(verified.identity)
                    return .certificateVerified(VerificationMetadata(ValidatedCertificateChain(chain)))
                } catch let rejection as HandshakeRejection {
                    outcome.reject(rejection)
                    return .failed
                } catch {
                    outcome.reject(.malformedCertificate)
                    return .failed
                }
            }
        }
    }
}

public enum MeshTLSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No certificate yet: the proxy must not accept or originate mesh TLS until it has one.
    case noCredentials

    public var description: String { "no mesh certificate yet: the identity service has not issued one" }
}
