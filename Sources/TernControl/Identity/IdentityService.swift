import FoundationEssentials
import GRPCCore
import SwiftProtobuf
import TernAPI
import TernTLS

/// The gRPC face of `CertifyAuthority`: proto in, proto out, failures as statuses that say
/// what was wrong. The request's token never appears in a status or a log.
public struct IdentityService: Tern_Identity_V1_Identity.SimpleServiceProtocol {
    public let authority: CertifyAuthority

    public init(authority: CertifyAuthority) { self.authority = authority }

    public func certify(
        request: Tern_Identity_V1_CertifyRequest,
        context: ServerContext
    ) async throws -> Tern_Identity_V1_CertifyResponse {
        let issued: LeafIssuer.Issued
        do {
            issued = try await authority.certify(
                identity: request.identity,
                token: Array(request.token),
                csr: Array(request.certificateSigningRequest))
        } catch {
            throw RPCError(code: error.statusCode, message: error.description)
        }
        var response = Tern_Identity_V1_CertifyResponse()
        response.leafCertificate = Data(try issued.leaf.derEncoded())
        response.intermediateCertificates = try issued.intermediates.map { Data(try $0.derEncoded()) }
        response.validUntil = Google_Protobuf_Timestamp(
            seconds: Int64(issued.validUntil.timeIntervalSince1970), nanos: 0)
        return response
    }
}

extension CertifyFailure {
    var statusCode: RPCError.Code {
        switch self {
        case .invalidIdentity, .invalidCSR: return .invalidArgument
        case .unauthenticated: return .unauthenticated
        case .permissionDenied: return .permissionDenied
        case .issuanceFailed: return .internalError
        }
    }
}
