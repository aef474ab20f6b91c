import GRPCCore
import GRPCNIOTransportHTTP2
import TernAPI
import TernCore
import TernPolicy
import X509

/// The proxy's side of `tern.destination.v1.Destination.Get`: one gRPC client (one HTTP/2
/// connection) shared by every watch, and a call that streams one destination's updates.
struct DestinationClient: Sendable {
    let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    let caller: CallerIdentity

    /// How one stream ended: how many updates it delivered, and the error if it failed (nil
    /// when the server finished it, e.g. a controller shutting down).
    struct StreamEnd: Sendable {
        var updates: Int
        var error: (any Error)?
    }

    /// With trust anchors the channel is TLS and the controller must present a certificate
    /// for `serverName` chaining to them (the mesh's anchors, as for any peer); the client
    /// presents none, as the destination server does not ask for one. Nil anchors: plaintext.
    static func makeGRPCClient(address: HostPort, serverName: String?, trustAnchors: [Certificate]?) throws -> GRPCClient<HTTP2ClientTransport.Posix> {
        var config = HTTP2ClientTransport.Posix.Config.defaults
        // The channel's own reconnects follow the same schedule as the watches' (see
        // ReconnectBackoff); grpc's default grows to two minutes, far too slow to notice a
        // restarted controller.
        config.backoff = .init(initial: .milliseconds(100), max: .seconds(5), multiplier: 2, jitter: 0.2)
        // Watches can be quiet for hours; pings find a controller that vanished without closing
        // the connection. The server tolerates one ping per five minutes on a busy connection,
        // so stay above that.
        config.connection.keepalive = .init(time: .seconds(330), timeout: .seconds(20), allowWithoutCalls: false)
        let security: HTTP2ClientTransport.Posix.TransportSecurity
        if let trustAnchors {
            // The authority drives both SNI and hostname verification; without a service name
            // the address's host is what the certificate must name.
            config.http2.authority = serverName ?? address.host
            let roots = try trustAnchors.map { TLSConfig.CertificateSource.bytes(try $0.derEncoded(), format: .der) }
            security = .tls(.init(certificateChain: [], privateKey: nil, serverCertificateVerification: .fullVerification,
                                  trustRoots: .certificates(roots)))
        } else {
            security = .plaintext
        }
        let target: any ResolvableTarget
        switch IPAddress(parsing: address.host) {
        case let ip? where ip.isIPv4: target = ResolvableTargets.IPv4(addresses: [.init(host: address.host, port: address.port)])
        case .some: target = ResolvableTargets.IPv6(addresses: [.init(host: address.host, port: address.port)])
        case nil: target = ResolvableTargets.DNS(host: address.host, port: address.port)
        }
        return GRPCClient(transport: try HTTP2ClientTransport.Posix(target: target, transportSecurity: security, config: config))
    }

    /// Streams `path` into `onUpdate` (told whether it is the stream's first update) until
    /// the stream ends or the task is cancelled. Never throws: the end says what happened.
    /// `waitForReady` false fails at once when the controller is unreachable.
    func watch(_ path: String, waitForReady: Bool,
               onUpdate: @escaping @Sendable (EndpointUpdate, _ first: Bool) -> Void) async -> StreamEnd {
        var request = Tern_Destination_V1_GetDestination()
        request.path = path
        request.caller.namespace = caller.namespace
        request.caller.workload = caller.workload
        request.caller.identity = caller.identity ?? ""
        var options = CallOptions.defaults
        options.waitForReady = waitForReady
        do {
            return try await Tern_Destination_V1_Destination.Client(wrapping: grpc).get(request, options: options) { response in
                var count = 0
                do {
                    for try await message in response.messages {
                        // A message without an update is a newer controller's field: skip it.
                        guard let update = try message.domain() else { continue }
                        onUpdate(update, count == 0)
                        count += 1
                    }
                    return StreamEnd(updates: count, error: nil)
                } catch {
                    return StreamEnd(updates: count, error: error)
                }
            }
        } catch {
            return StreamEnd(updates: 0, error: error)
        }
    }
}
