import TernResources

/// Istio kinds with no Tern counterpart: each field is reported with the exposure or change
/// it leaves behind.
extension TranslationContext {
    mutating func reportSidecars() {
        for item in input.sidecars {
            let ref = item.ref
            guard let spec = item.resource.spec else { continue }
            if spec.workloadSelector != nil { log.consume(ref, FieldPath.spec("workloadSelector")) }
            if spec.egress != nil {
                log.info(ref, FieldPath.spec("egress"), "Tern proxies discover destinations on demand, so there is no configuration scope to trim.",
                         action: "Nothing to do for performance; to restrict where workloads may connect, see outboundTrafficPolicy.")
            }
            if spec.ingress != nil {
                log.change(ref, FieldPath.spec("ingress"), "Tern's inbound proxy listens for every container port; custom ingress listeners (bind address, port mapping, default endpoint) are not carried over.",
                           action: "Expose the ports in the pod spec the way the application listens.")
            }
            if let mode = spec.outboundTrafficPolicy?.mode {
                let path = FieldPath.spec("outboundTrafficPolicy")
                if mode == "REGISTRY_ONLY" {
                    log.security(ref, path, "Istio blocked traffic to hosts outside its registry; Tern allows egress unless an EgressNetwork denies it.",
                                 action: "Create an EgressNetwork with trafficPolicy: Deny covering the outside world (0.0.0.0/0 except the cluster networks) and routes for the allowed hosts.")
                } else {
                    log.info(ref, path, "ALLOW_ANY is Tern's default: egress is allowed.")
                }
            }
            if spec.inboundConnectionPool != nil {
                log.change(ref, FieldPath.spec("inboundConnectionPool"), "Tern has no inbound connection limits.", action: "Use an HTTPLocalRateLimitPolicy on the Server to protect the workload.")
            }
        }
    }

    mutating func reportRequestAuthentications() {
        for item in input.requestAuthentications {
            let ref = item.ref
            guard let spec = item.resource.spec else { continue }
            if spec.selector != nil { log.consume(ref, FieldPath.spec("selector")) }
            for key in ["targetRef", "targetRefs"] where (key == "targetRef" ? spec.targetRef != nil : spec.targetRefs != nil) {
                log.consume(ref, FieldPath.spec(key))
            }
            for (i, rule) in (spec.jwtRules ?? []).enumerated() {
                log.security(ref, FieldPath.spec("jwtRules").index(i),
                             "Tern does not validate JWTs (issuer \(rule.issuer ?? "?")); requests with invalid or expired tokens are no longer rejected by the proxy.",
                             action: "Validate tokens in the application or at the ingress controller before switching traffic.")
            }
        }
    }
}
