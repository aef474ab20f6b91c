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
                if mode == "REGISTRY_ONLY" && spec.workloadSelector == nil && restrictEgress(ref.namespace, from: ref) {
                    log.info(ref, path, "REGISTRY_ONLY became an EgressNetwork with trafficPolicy: Deny for \(ref.namespace), with routes allowing the hosts of the ServiceEntries visible there.",
                             action: "Hosts Istio knew without a ServiceEntry (other namespaces' Services stay reachable) need no change.")
                } else if mode == "REGISTRY_ONLY" {
                    log.security(ref, path, "Istio blocked traffic from the selected workloads to hosts outside its registry; Tern's egress policy applies to whole namespaces, so nothing was emitted and egress is allowed.",
                                 action: "Move the workloads to their own namespace, or apply the restriction to the whole namespace, and run the migration again.")
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
