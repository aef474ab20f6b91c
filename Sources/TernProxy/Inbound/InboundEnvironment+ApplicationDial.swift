import NIOCore

extension InboundEnvironment {
    /// Dials the application at `address` (127.0.0.1:`port`), on the accepted connection's loop, for both
    /// ways in (plaintext and mesh). `connected` gets the channel and its metrics; if the
    /// client left meanwhile (`stillWanted` answers false) the new channel is closed instead.
    /// Must be called on `loop`.
    func dialApplication(
        _ address: SocketAddress, port: Int, on loop: any EventLoop, stillWanted: @escaping () -> Bool,
        connected: @escaping (any Channel, ConnectionMeter) -> Void, failed: @escaping (any Error) -> Void
    ) {
        dialer.dial(.plain(address), on: loop).assumeIsolated().whenComplete { result in
            guard stillWanted() else {
                if case .success(let channel) = result { channel.close(promise: nil) }
                return
            }
            switch result {
            case .success(let upstream):
                connected(upstream, ConnectionMeter(metrics.connection(TrafficLabels(
                    direction: .inbound, peer: .dst, targetAddress: "127.0.0.1:\(port)", tls: .noIdentity(.loopback)))))
            case .failure(let error):
                logger.debug("application connect failed", metadata: ["port": "\(port)", "error": "\(error)"])
                failed(error)
            }
        }
    }
}
