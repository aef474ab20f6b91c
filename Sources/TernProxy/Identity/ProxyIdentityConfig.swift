import TernCore
import TernTLS
import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The proxy's identity settings, decoded once from the environment as linkerd2-proxy does
/// (`LINKERD2_PROXY_IDENTITY_*` become `TERN_PROXY_IDENTITY_*`).
public struct ProxyIdentityConfig: Sendable {
    public var identity: MeshIdentity
    public var serviceHost: String
    public var servicePort: Int
    public var tokenFile: String
    public var trustAnchors: [Certificate]
    /// The identity service's mesh name; when set the Certify channel is TLS, verified
    /// against the trust anchors (Linkerd's LINKERD2_PROXY_IDENTITY_SVC_NAME).
    public var serviceName: String?

    public static let variables = (
        localName: "TERN_PROXY_IDENTITY_LOCAL_NAME",
        serviceAddress: "TERN_PROXY_IDENTITY_SVC_ADDR",
        serviceName: "TERN_PROXY_IDENTITY_SVC_NAME",
        tokenFile: "TERN_PROXY_IDENTITY_TOKEN_FILE",
        trustAnchors: "TERN_PROXY_IDENTITY_TRUST_ANCHORS_FILE"
    )

    /// Nil when no identity is configured at all (an unmeshed, plaintext proxy); an error
    /// naming the variable when the configuration is present but wrong.
    public static func fromEnvironment(_ env: (String) -> String? = { getenv($0).map { String(cString: $0) } }) throws(ProxyConfigError) -> ProxyIdentityConfig? {
        let v = variables
        guard let name = env(v.localName) else { return nil }
        let identity: MeshIdentity
        do {
            identity = try MeshIdentity(dnsName: name)
        } catch {
            throw .invalid(v.localName, error.description)
        }
        guard let address = env(v.serviceAddress) else { throw .missing(v.serviceAddress) }
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (1...65535).contains(port)
        else { throw .invalid(v.serviceAddress, "expected host:port, got \"\(address)\"") }
        guard let tokenFile = env(v.tokenFile) else { throw .missing(v.tokenFile) }
        guard let anchorsFile = env(v.trustAnchors) else { throw .missing(v.trustAnchors) }
        let anchors: [Certificate]
        do {
            anchors = try PEMFiles.certificates(atPath: anchorsFile)
        } catch {
            throw .invalid(v.trustAnchors, error.description)
        }
        var serviceName = env(v.serviceName)
        if serviceName?.isEmpty == true { serviceName = nil }
        return ProxyIdentityConfig(
            identity: identity, serviceHost: String(address[..<colon]), servicePort: port,
            tokenFile: tokenFile, trustAnchors: anchors, serviceName: serviceName)
    }
}

public enum ProxyConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    case missing(String)
    case invalid(String, String)

    public var description: String {
        switch self {
        case .missing(let name): return "\(name) is not set (required when TERN_PROXY_IDENTITY_LOCAL_NAME is)"
        case .invalid(let name, let why): return "\(name): \(why)"
        }
    }
}
