import TernResources

/// ServiceEntry → EgressNetwork where it fits: an external entry with addresses becomes an
/// EgressNetwork allowing those networks (Tern's egress policy is by address). Host-only
/// entries need nothing, because Tern allows egress by default; the rest is reported.
extension TranslationContext {
    mutating func translateServiceEntries() {
        for item in input.serviceEntries { translate(item.resource, item.ref) }
    }

    private mutating func translate(_ se: Istio.ServiceEntry, _ ref: ObjectRef) {
        guard let spec = se.spec else { return }
        let hosts = (spec.hosts ?? []).joined(separator: ", ")
        if spec.location == .meshInternal {
            log.change(ref, FieldPath.spec(), "MESH_INTERNAL entries add workloads outside Kubernetes to the mesh; Tern does that with ExternalWorkload resources.",
                       action: "Create an ExternalWorkload (workload.linkerd.io) for each endpoint and a Service selecting them.")
            return
        }
        if spec.location != nil { log.consume(ref, FieldPath.spec("location")) }
        if let addresses = spec.addresses, !addresses.isEmpty {
            let networks = addresses.map { $0.contains("/") ? $0 : ($0.contains(":") ? "\($0)/128" : "\($0)/32") }
            let name = names.allocate(kind: "EgressNetwork", namespace: ref.namespace, base: ref.name)
            emit(Linkerd.EgressNetwork(metadata: metadata(name, ref.namespace, from: ref),
                                       spec: .init(networks: networks.map { Linkerd.Network(cidr: $0) }, trafficPolicy: .allow)))
            log.consume(ref, FieldPath.spec("addresses"))
            log.info(ref, FieldPath.spec("hosts"), "Tern's EgressNetwork matches traffic by address; the hosts (\(hosts)) are reached through those networks.",
                     action: "To route or restrict per host, attach HTTPRoutes or TLSRoutes with these hostnames to the EgressNetwork.")
        } else {
            log.info(ref, FieldPath.spec("hosts"), "Tern allows egress to \(hosts) without registering them; where a namespace restricts egress (Sidecar REGISTRY_ONLY), the migration allows these hosts with routes on that namespace's EgressNetwork.")
        }
        if spec.ports != nil {
            log.info(ref, FieldPath.spec("ports"), "Tern detects the protocol of egress traffic itself; ports need no declaration.")
        }
        if spec.resolution != nil {
            log.info(ref, FieldPath.spec("resolution"), "Tern forwards egress to the address the application resolved.")
        }
        if spec.endpoints != nil {
            log.change(ref, FieldPath.spec("endpoints"), "Tern does not substitute static endpoints for an external host; traffic goes where DNS points.",
                       action: "Point DNS (or an ExternalName Service) at those endpoints.")
        }
        if spec.workloadSelector != nil {
            log.change(ref, FieldPath.spec("workloadSelector"), "Workload-selecting entries have no Tern equivalent.", action: "Use ExternalWorkload resources.")
        }
        if spec.exportTo != nil {
            log.info(ref, FieldPath.spec("exportTo"), "An EgressNetwork applies to clients in its own namespace (or to all, in the control plane's egress namespace); there is no export list.")
        }
        if spec.subjectAltNames != nil {
            log.info(ref, FieldPath.spec("subjectAltNames"), "Tern does not originate TLS to external hosts, so there is no server certificate for it to check; the application verifies it.")
        }
    }
}
