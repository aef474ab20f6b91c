import FoundationEssentials
import GRPCCore
import GRPCNIOTransportHTTP2
import ServiceLifecycle
import SwiftProtobuf
import TernAPI
import TernTLS
import X509

/// What the certifier needs from the identity service: one Certify call. A protocol so the
/// certifier's schedule and failure handling are tested against a scripted fake.
public protocol CertifyClient: Sendable {
    func certify(identity: String, token: [UInt8], csr: [UInt8]) async throws -> CertifiedLeaf
}

public struct CertifiedLeaf: Sendable {
    public let leaf: Certificate
    public let intermediates: [Certificate]
    public let validUntil: Date

    public init(leaf: Certificate, intermediates: [Certificate], validUntil: Date) {
        self.leaf = leaf
        self.intermediates = intermediates
        self.validUntil = validUntil
    }
}

/// The gRPC client for the identity service. It is a `Service` because grpc-swift's client
/// needs its connections run for as long as it is used; the group shuts it down last.
public final class GRPCCertifyClient: CertifyClient, Service {
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let timeout: Duration

    /// With `serverName`, the channel is TLS and the server must present a certificate for
    /// that name chaining to `trustAnchors` (the mesh's anchors); nil means plaintext, for
    /// tests and benchmarks on loopback only.
    public init(
        host: String, port: Int, serverName: String?, trustAnchors: [Certificate] = [], timeout: Duration = .seconds(10)
    ) throws {
        var config = HTTP2ClientTransport.Posix.Config.defaults
        let security: HTTP2ClientTransport.Posix.TransportSecurity
        if let serverName {
            // The authority drives both SNI and hostname verification.
            config.http2.authority = serverName
            let roots = try trustAnchors.map { TLSConfig.CertificateSource.bytes(try $0.derEncoded(), format: .der) }
            security = .tls(.init(
                certificateChain: [], privateKey: nil, serverCertificateVerification: .fullVerification,
                trustRoots: .certificates(roots)))
        } else {
            security = .plaintext
        }
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: host, port: port), transportSecurity: security, config: config)
        self.client = GRPCClient(transport: transport)
        self.timeout = timeout
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await client.runConnections()
        } onGracefulShutdown: {
            self.client.beginGracefulShutdown()
        }
    }

    /// Stops the client without a service group (tests, benchmarks).
    public func shutdown() { client.beginGracefulShutdown() }

    public func certify(identity: String, token: [UInt8], csr: [UInt8]) async throws -> CertifiedLeaf {
        var request = Tern_Identity_V1_CertifyRequest()
        request.identity = identity
        request.token = Data(token)
        request.certificateSigningRequest = Data(csr)
        var options = CallOptions.defaults
        options.timeout = timeout
        // Fail fast when the service is unreachable: the certifier's own backoff decides
        // when to try again, and its metrics should see each failed attempt.
        options.waitForReady = false
        let response = try await Tern_Identity_V1_Identity.Client(wrapping: client).certify(request, options: options)
        do {
            let leaf = try Certificate(derEncoded: Array(response.leafCertificate))
            let intermediates = try response.intermediateCertificates.map { try Certificate(derEncoded: Array($0)) }
            let validUntil = response.hasValidUntil
                ? Date(timeIntervalSince1970: TimeInterval(response.validUntil.seconds)) : leaf.notValidAfter
            return CertifiedLeaf(leaf: leaf, intermediates: intermediates, validUntil: validUntil)
        } catch {
            throw CertifierError.badResponse("the identity service returned an unparsable certificate")
        }
    }
}

public enum CertifierError: Error, Hashable, Sendable, CustomStringConvertible {
    case badResponse(String)
    case tokenUnreadable(String)

    public var description: String {
        switch self {
        case .badResponse(let why): return why
        case .tokenUnreadable(let why): return why
        }
    }
}
