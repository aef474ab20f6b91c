import Logging
import NIOCore
import TernCore
import TernPolicy

/// What every outbound connection shares: discovery, the dialer, metrics and the listener's
/// settings. Built once at startup.
struct OutboundEnvironment: Sendable {
    /// Nil when the proxy runs without a control plane: every connection goes to its target.
    let resolver: DestinationResolver?
    let dialer: UpstreamDialer
    let metrics: TransportMetrics
    /// Upstream HTTP connections and request metrics, per event loop (shared with inbound).
    let http: PerEventLoop<HTTPLoopState>
    let opaquePorts: PortSet
    let detectionTimeout: TimeAmount
    let logger: Logger
    let detector = ProtocolDetector(recognizeTLS: false)
    /// Endpoints tried per connection before it fails (linkerd2-proxy fails fast too; the
    /// balancer's penalty keeps later connections away from the failed ones).
    let maxConnectAttempts = 3
}
