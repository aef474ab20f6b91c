import TernResources

/// Sidecar `outboundTrafficPolicy: REGISTRY_ONLY` for a whole namespace → an EgressNetwork
/// with trafficPolicy Deny (its default networks are everything outside the cluster) plus
/// routes on it that allow the hosts ServiceEntries registered, by SNI (TLS) or Host (HTTP).
extension TranslationContext {
    /// Returns false when the restriction cannot be expressed (the caller reports it).
    mutating func restrictEgress(_ namespace: String, from ref: ObjectRef) -> Bool {
        let name = names.allocate(kind: "EgressNetwork", namespace: namespace, base: "registry-only")
        emit(Linkerd.EgressNetwork(metadata: metadata(name, namespace, from: ref), spec: .init(trafficPolicy: .deny)))
        let visible = input.serviceEntries.filter { se in
            guard let spec = se.resource.spec, spec.location != .meshInternal else { return false }
            if se.ref.namespace == namespace { return true }
            return (spec.exportTo ?? ["*"]).contains { $0 == "*" || $0 == namespace }
        }
        let network = Linkerd.policyGroup
        for se in visible {
            guard let spec = se.resource.spec else { continue }
            let hosts = (spec.hosts ?? []).map { $0.lowercased() }.filter(Self.isRouteHostname)
            for port in spec.ports ?? [] {
                guard let number = port.number else { continue }
                let parent = GatewayAPI.ParentReference(group: network, kind: "EgressNetwork", name: name, port: number)
                let backend = GatewayAPI.BackendRef(group: network, kind: "EgressNetwork", name: name, port: number)
                let base = "\(se.ref.name)-\(number)"
                switch (port.protocol ?? "").uppercased() {
                case "TLS", "HTTPS":
                    let routeName = names.allocate(kind: "TLSRoute", namespace: namespace, base: base)
                    emit(GatewayAPI.TLSRoute(metadata: metadata(routeName, namespace, from: se.ref),
                                             spec: .init(parentRefs: [parent], hostnames: hosts, rules: [GatewayAPI.L4RouteRule(backendRefs: [backend])])))
                case "HTTP", "HTTP2", "GRPC":
                    let routeName = names.allocate(kind: "HTTPRoute", namespace: namespace, base: base)
                    emit(GatewayAPI.HTTPRoute(metadata: metadata(routeName, namespace, from: se.ref),
                                              spec: .init(parentRefs: [parent], hostnames: hosts, rules: [GatewayAPI.HTTPRouteRule(backendRefs: [backend])])))
                default:
                    // Opaque TCP has no host to match: the whole port is allowed.
                    let routeName = names.allocate(kind: "TCPRoute", namespace: namespace, base: base)
                    emit(GatewayAPI.TCPRoute(metadata: metadata(routeName, namespace, from: se.ref),
                                             spec: .init(parentRefs: [parent], rules: [GatewayAPI.L4RouteRule(backendRefs: [backend])])))
                    log.change(se.ref, FieldPath.spec("ports"), "Port \(number) is opaque TCP, so egress on it is allowed to any external host, not only \(hosts.joined(separator: ", ")).",
                               action: "Give the entry addresses so the port is allowed only toward them.")
                }
            }
        }
        return true
    }
}
