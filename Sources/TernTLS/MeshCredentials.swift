import Crypto
import FoundationEssentials
import NIOSSL
import SwiftASN1
import Synchronization
import TernCore
import X509

/// The proxy's current TLS credentials, swapped atomically when the certifier gets a new leaf.
/// Handlers snapshot the contexts when a connection starts, so a swap affects only new
/// handshakes and never disturbs established connections. The private key lives only here
/// and in BoringSSL's memory: it is never serialised to disk or printed.
public final class MeshCredentials: Sendable {
    public struct Snapshot: Sendable {
        /// The identity the leaf names; nil only for a misissued leaf (kept so tests and
        /// diagnostics can present one; the certifier never installs such a leaf).
        public let identity: MeshIdentity?
        public let leaf: Certificate
        public let serverContext: NIOSSLContext
        public let clientContext: NIOSSLContext
        public let verifier: PeerVerifier
    }

    private struct State {
        var anchors: [Certificate]
        var current: Snapshot?
        var waiters: [Int: CheckedContinuation<Snapshot?, Never>] = [:]
        var nextWaiter = 0
    }

    private let state: Mutex<State>
    /// ALPN protocols offered on mesh connections; the proxy's transport decides what it speaks.
    public let applicationProtocols: [String]

    public init(trustAnchors: [Certificate], applicationProtocols: [String] = []) {
        self.state = Mutex(State(anchors: trustAnchors))
        self.applicationProtocols = applicationProtocols
    }

    public var current: Snapshot? { state.withLock { $0.current } }

    public var trustAnchors: [Certificate] { state.withLock { $0.anchors } }

    /// Installs a new leaf for `key`. Throws if the leaf is not for `key`, so a bad response
    /// can never replace good credentials (the certifier also checks the identity it names).
    public func install(leaf: Certificate, intermediates: [Certificate], key: P256.Signing.PrivateKey) throws {
        guard leaf.publicKey == Certificate.PublicKey(key.publicKey) else {
            throw PKIError.invalid("the issued certificate is not for this proxy's key")
        }
        let identity = leaf.meshIdentities.first
        let anchors = trustAnchors
        let snapshot = try Self.makeSnapshot(
            identity: identity, leaf: leaf, intermediates: intermediates, key: key,
            anchors: anchors, applicationProtocols: applicationProtocols)
        let waiters = state.withLock { state -> [CheckedContinuation<Snapshot?, Never>] in
            state.current = snapshot
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: snapshot) }
    }

    /// Replaces the trust-anchor bundle (anchor rotation). Takes effect for the next handshake.
    public func replaceTrustAnchors(_ anchors: [Certificate]) {
        state.withLock { state in
            state.anchors = anchors
            if let current = state.current {
                state.current = Snapshot(
                    identity: current.identity, leaf: current.leaf, serverContext: current.serverContext,
                    clientContext: current.clientContext, verifier: PeerVerifier(trustAnchors: anchors))
            }
        }
    }

    /// Returns once credentials exist: the proxy is not ready to serve mesh traffic before.
    /// Returns nil if the waiting task is cancelled (shutdown before the first certificate).
    public func waitUntilReady() async -> Snapshot? {
        let id = state.withLock { state -> Int in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Snapshot?, Never>) in
                let immediate = state.withLock { state -> Snapshot?? in
                    if let current = state.current { return .some(current) }
                    // Checked under the lock so a cancel cannot slip between check and park.
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }

    private static func makeSnapshot(
        identity: MeshIdentity?, leaf: Certificate, intermediates: [Certificate],
        key: P256.Signing.PrivateKey, anchors: [Certificate], applicationProtocols: [String]
    ) throws -> Snapshot {
        let chain = try ([leaf] + intermediates).map { try NIOSSLCertificate(bytes: $0.derEncoded(), format: .der) }
        let sslKey = try NIOSSLPrivateKey(bytes: Array(key.derRepresentation), format: .der)
        let sslAnchors = try anchors.map { try NIOSSLCertificate(bytes: $0.derEncoded(), format: .der) }

        var server = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(sslKey))
        var client = TLSConfiguration.makeClientConfiguration()
        client.certificateChain = chain.map { .certificate($0) }
        client.privateKey = .privateKey(sslKey)
        configureMesh(&server, anchors: sslAnchors, applicationProtocols: applicationProtocols)
        configureMesh(&client, anchors: sslAnchors, applicationProtocols: applicationProtocols)
        return Snapshot(
            identity: identity, leaf: leaf,
            serverContext: try NIOSSLContext(configuration: server),
            clientContext: try NIOSSLContext(configuration: client),
            verifier: PeerVerifier(trustAnchors: anchors))
    }

    /// TLS 1.3 only, peer certificate required both ways. Hostname checks are off because the
    /// custom verification callback checks the mesh identity instead; the anchors are set so
    /// BoringSSL never loads the system trust store and advertises the right CA names.
    private static func configureMesh(
        _ config: inout TLSConfiguration, anchors: [NIOSSLCertificate], applicationProtocols: [String]
    ) {
        config.minimumTLSVersion = .tlsv13
        config.maximumTLSVersion = .tlsv13
        config.certificateVerification = .noHostnameVerification
        config.trustRoots = .certificates(anchors)
        config.applicationProtocols = applicationProtocols
    }
}

extension Certificate {
    /// The DER encoding, for handing certificates to NIOSSL and the wire.
    public func derEncoded() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return serializer.serializedBytes
    }
}
