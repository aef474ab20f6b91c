import TernCore
import TernResources

/// A DestinationRule traffic policy → Service annotations Tern reads, plus findings for the
/// settings without an equivalent.
extension TranslationContext {
    static let failureAccrual = "balancer.linkerd.io/failure-accrual"
    static let maxFailures = "balancer.linkerd.io/failure-accrual-consecutive-max-failures"
    static let minPenalty = "balancer.linkerd.io/failure-accrual-consecutive-min-penalty"
    static let maxPenalty = "balancer.linkerd.io/failure-accrual-consecutive-max-penalty"

    mutating func trafficPolicyAnnotations(_ policy: Istio.TrafficPolicy?, at path: FieldPath, _ ref: ObjectRef) -> [String: String] {
        guard let policy else { return [:] }
        var out: [String: String] = [:]
        if let o = policy.outlierDetection { out = outlierAnnotations(o, at: path.key("outlierDetection"), ref) }
        if let c = policy.connectionPool { reportConnectionPool(c, at: path.key("connectionPool"), ref) }
        if let lb = policy.loadBalancer { reportLoadBalancer(lb, at: path.key("loadBalancer"), ref) }
        if let tls = policy.tls { reportClientTLS(tls, at: path.key("tls"), ref) }
        if policy.portLevelSettings != nil {
            log.change(ref, path.key("portLevelSettings"), "Tern's client policy is per Service, not per port.",
                       action: "If the ports need different policies, split them into separate Services and annotate each.")
        }
        if policy.tunnel != nil {
            log.change(ref, path.key("tunnel"), "Tern does not tunnel traffic through an HTTP CONNECT proxy.", action: "Configure the proxy in the application.")
        }
        if policy.proxyProtocol != nil {
            log.change(ref, path.key("proxyProtocol"), "Tern does not send PROXY protocol headers upstream.", action: "Have the application send them if the destination needs them.")
        }
        return out
    }

    private mutating func outlierAnnotations(_ o: Istio.OutlierDetection, at path: FieldPath, _ ref: ObjectRef) -> [String: String] {
        let counters: [(String, Int?)] = [("consecutive5xxErrors", o.consecutive5xxErrors), ("consecutiveGatewayErrors", o.consecutiveGatewayErrors), ("consecutiveErrors", o.consecutiveErrors)]
        guard let (key, count) = counters.first(where: { $0.1 != nil }).map({ ($0.0, $0.1!) }) else {
            log.change(ref, path, "Without an error count Istio ejects after 5 consecutive 5xx responses; Tern has no failure accrual unless annotated.",
                       action: "Set consecutive5xxErrors to have the migration emit the annotation.")
            return [:]
        }
        for (other, value) in counters where other != key && value != nil {
            log.info(ref, path.key(other), "Tern counts one kind of consecutive failure (5xx responses and connection errors); \(key) was used.")
        }
        log.consume(ref, path.key(key))
        guard count > 0 else { return [:] } // 0 disables ejection in Istio; Tern's default is off too.
        if key == "consecutiveGatewayErrors" {
            log.info(ref, path.key(key), "Tern counts every 5xx response, not only 502/503/504, toward failure accrual.")
        }
        var out = [Self.failureAccrual: "consecutive", Self.maxFailures: "\(count)"]
        // Envoy ejects for baseEjectionTime × ejections, capped at its default max_ejection_time
        // of 300s; Tern backs off from min to max penalty, which is the same shape.
        // Envoy caps at max(baseEjectionTime, 300s).
        let base = o.baseEjectionTime.flatMap { try? GoDuration(parsing: $0) } ?? .seconds(30)
        out[Self.minPenalty] = base.description
        out[Self.maxPenalty] = max(base, .seconds(300)).description
        if o.baseEjectionTime != nil { log.consume(ref, path.key("baseEjectionTime")) }
        if o.interval != nil {
            log.info(ref, path.key("interval"), "Tern tracks failures on every response instead of sweeping every interval.")
        }
        if let max = o.maxEjectionPercent {
            log.change(ref, path.key("maxEjectionPercent"), "Tern has no cap on the share of endpoints in failure accrual (Istio capped it at \(max)%).",
                       action: "Make sure enough replicas stay healthy; tune \(Self.maxFailures) if too many are penalized.")
        }
        if o.minHealthPercent != nil {
            log.change(ref, path.key("minHealthPercent"), "Tern has no panic threshold that disables ejection when too few endpoints are healthy.",
                       action: "Raise \(Self.maxFailures) if ejections could leave too few endpoints.")
        }
        if o.splitExternalLocalOriginErrors != nil || o.consecutiveLocalOriginFailures != nil {
            let key = o.splitExternalLocalOriginErrors != nil ? "splitExternalLocalOriginErrors" : "consecutiveLocalOriginFailures"
            log.info(ref, path.key(key), "Tern counts connection failures and 5xx responses together.")
            if key == "splitExternalLocalOriginErrors", o.consecutiveLocalOriginFailures != nil {
                log.info(ref, path.key("consecutiveLocalOriginFailures"), "Tern counts connection failures and 5xx responses together.")
            }
        }
        return out
    }

    private mutating func reportConnectionPool(_ c: Istio.ConnectionPoolSettings, at path: FieldPath, _ ref: ObjectRef) {
        let limits = "Tern has no client-side connection or request limits (circuit-breaker queues)."
        let limitAction = "To protect the destination, put an HTTPLocalRateLimitPolicy (policy.linkerd.io) on its Server."
        if let tcp = c.tcp {
            let p = path.key("tcp")
            if tcp.maxConnections != nil { log.change(ref, p.key("maxConnections"), limits, action: limitAction) }
            if let t = tcp.connectTimeout {
                log.change(ref, p.key("connectTimeout"), "Tern sets the connect timeout per client workload, not per destination.",
                           action: "Annotate the client workloads with config.linkerd.io/proxy-outbound-connect-timeout: \(t).")
            }
            if tcp.tcpKeepalive != nil { log.info(ref, p.key("tcpKeepalive"), "Tern's proxies use their own TCP keepalive settings.") }
            if tcp.maxConnectionDuration != nil || tcp.idleTimeout != nil {
                for key in ["maxConnectionDuration", "idleTimeout"] where (key == "idleTimeout" ? tcp.idleTimeout : tcp.maxConnectionDuration) != nil {
                    log.info(ref, p.key(key), "Tern manages connection lifetimes itself (idle connections are closed after a fixed time).")
                }
            }
        }
        if let http = c.http {
            let p = path.key("http")
            for (key, value) in [("http1MaxPendingRequests", http.http1MaxPendingRequests), ("http2MaxRequests", http.http2MaxRequests),
                                 ("maxRequestsPerConnection", http.maxRequestsPerConnection), ("maxConcurrentStreams", http.maxConcurrentStreams)] where value != nil {
                log.change(ref, p.key(key), limits, action: limitAction)
            }
            if http.maxRetries != nil {
                log.info(ref, p.key("maxRetries"), "Tern bounds retries per route (retry.linkerd.io/limit) rather than concurrently per destination.")
            }
            if http.idleTimeout != nil { log.info(ref, p.key("idleTimeout"), "Tern manages idle connections itself.") }
            if http.h2UpgradePolicy != nil || http.useClientProtocol != nil {
                for key in ["h2UpgradePolicy", "useClientProtocol"] where (key == "h2UpgradePolicy" ? http.h2UpgradePolicy != nil : http.useClientProtocol != nil) {
                    log.info(ref, p.key(key), "Tern always carries HTTP/1 as HTTP/2 between meshed proxies and restores the original protocol at the destination.")
                }
            }
        }
    }

    private mutating func reportLoadBalancer(_ lb: Istio.LoadBalancerSettings, at path: FieldPath, _ ref: ObjectRef) {
        if let simple = lb.simple {
            if simple == .passthrough {
                log.change(ref, path.key("simple"), "Tern always balances across endpoints; it cannot pass connections to the original destination address.",
                           action: "Skip the port with config.linkerd.io/skip-outbound-ports if the client must pick the address.")
            } else {
                log.info(ref, path.key("simple"), "Tern balances every request with power-of-two-choices over latency (peak EWMA); \(simple.rawValue) has no setting.")
            }
        }
        if lb.consistentHash != nil {
            log.change(ref, path.key("consistentHash"), "Tern has no session affinity (consistent hashing by header, cookie or source IP).",
                       action: "Keep affinity in the application or at the ingress controller.")
        }
        if lb.localityLbSetting != nil {
            log.change(ref, path.key("localityLbSetting"), "Tern does not weight endpoints by zone or region.", action: "Check cross-zone traffic costs after the migration.")
        }
        for key in ["warmupDurationSecs", "warmup"] where (key == "warmup" ? lb.warmup != nil : lb.warmupDurationSecs != nil) {
            log.info(ref, path.key(key), "Tern's latency-aware balancer sends new endpoints less traffic until they prove fast; there is no fixed warm-up.")
        }
    }

    private mutating func reportClientTLS(_ tls: Istio.ClientTLSSettings, at path: FieldPath, _ ref: ObjectRef) {
        switch tls.mode {
        case .istioMutual?:
            log.info(ref, path, "Tern encrypts and authenticates traffic between meshed pods automatically (mutual TLS).")
        case .disable?:
            log.change(ref, path, "Tern always uses mutual TLS between meshed pods and cannot turn it off per destination.",
                       action: "If the destination must get plaintext, list its port in config.linkerd.io/skip-outbound-ports on the clients.")
        case .simple?, .mutual?:
            log.change(ref, path, "Tern does not originate TLS to a destination; the sidecar forwarded plaintext and Istio added TLS.",
                       action: "Have the application connect with TLS itself (Tern passes TLS through untouched).")
        case nil:
            log.info(ref, path, "No TLS mode set; Tern uses mutual TLS between meshed pods.")
        }
    }

    /// Istio durations in Go's canonical form (`0.5s` → `500ms`).
    static func canonicalDuration(_ text: String) -> String? {
        (try? GoDuration(parsing: text))?.description
    }
}
