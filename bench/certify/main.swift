// tern-bench-certify: Certify throughput. Starts an identity server in-process on a loopback
// ephemeral port with a fresh PKI, then fires COUNT Certify calls over one HTTP/2 connection
// with CONCURRENCY in flight, and prints certificates/s. Client and server share the machine,
// so the figure is a floor for the server alone.
//
//   swift run -c release --scratch-path .build-identity tern-bench-certify [COUNT] [CONCURRENCY]
import Crypto
import FoundationEssentials
import Logging
import TernControl
import TernCore
import TernProxy
import TernTLS

#if canImport(Glibc)
import Glibc
#endif

let args = CommandLine.arguments
let count = args.count > 1 ? Int(args[1]) ?? 5000 : 5000
let concurrency = args.count > 2 ? Int(args[2]) ?? 32 : 32

let anchor = try PKIGenerator.makeTrustAnchor(trustDomain: "cluster.local")
let issuer = try PKIGenerator.makeIssuer(
    trustDomain: "cluster.local", signedBy: anchor.certificate, anchorKey: .init(anchor.privateKey))
let tokenKey = LocalTokenKey.generate().key
let authority = CertifyAuthority(
    config: .init(trustDomain: "cluster.local"),
    issuer: try IssuerCredentials(certificate: issuer.certificate, privateKey: .init(issuer.privateKey)),
    tokens: LocalTokenVerifier(key: tokenKey))

// A pool of distinct workloads, each with its own key, CSR and token, reused round-robin:
// the server does full work for every call (token MAC, CSR signature, signing a new leaf).
struct Caller: Sendable {
    let identity: String
    let token: [UInt8]
    let csr: [UInt8]
}
let callers: [Caller] = try (0..<64).map { i in
    let id = try MeshIdentity(serviceAccount: "sa\(i)", namespace: "bench", trustDomain: "cluster.local")
    let token = tokenKey.mint(namespace: "bench", serviceAccount: "sa\(i)", expiry: Date().addingTimeInterval(3600))
    return Caller(identity: id.dnsName, token: Array(token.utf8), csr: try IdentityCSR.make(for: id, key: P256.Signing.PrivateKey()))
}

var logger = Logger(label: "bench")
logger.logLevel = .warning
let server = IdentityServer(service: IdentityService(authority: authority), host: "127.0.0.1", port: 0, tls: nil, logger: logger)

try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await server.run() }
    let port = try await server.boundPort()
    let client = try GRPCCertifyClient(host: "127.0.0.1", port: port, serverName: nil)
    group.addTask { try await client.run() }

    // Warm-up: connection establishment and first-call costs are not throughput.
    for caller in callers.prefix(8) {
        _ = try await client.certify(identity: caller.identity, token: caller.token, csr: caller.csr)
    }

    let clock = ContinuousClock()
    let start = clock.now
    try await withThrowingTaskGroup(of: Int.self) { workers in
        for worker in 0..<concurrency {
            workers.addTask {
                var done = 0
                var i = worker
                while i < count {
                    let caller = callers[i % callers.count]
                    _ = try await client.certify(identity: caller.identity, token: caller.token, csr: caller.csr)
                    done += 1
                    i += concurrency
                }
                return done
            }
        }
        var total = 0
        for try await done in workers { total += done }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("certified \(total) in \(String(format: "%.2f", seconds)) s with concurrency \(concurrency): "
            + "\(Int(Double(total) / seconds)) certificates/s")
        print("server outcomes: ok=\(authority.stats.count("ok"))")
        fflush(nil)
    }
    client.shutdown()
    group.cancelAll()
}
