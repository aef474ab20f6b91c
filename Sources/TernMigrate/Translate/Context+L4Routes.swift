import TernResources

/// VirtualService `tls` and `tcp` rules → TLSRoutes (by SNI) and TCPRoutes (by port). Neither
/// has per-rule matches in Gateway API, so each Istio rule becomes its own route.
extension TranslationContext {
    mutating func emitL4Routes(_ spec: Istio.VirtualService.Spec, parents: Parents, base: String, _ ref: ObjectRef) {
        let (parentRefs, gatewayNames): ([GatewayAPI.ParentReference], [String]?) = {
            switch parents {
            case .gateways(let refs, let names, _): return (refs, names)
            case .mesh(let refs): return (refs, nil)
            }
        }()
        func included(_ gateways: [String]?) -> Bool {
            guard let gateways else { return true }
            return gatewayNames.map { names in gateways.contains { names.contains($0) } } ?? gateways.contains("mesh")
        }
        for (i, rule) in (spec.tls ?? []).enumerated() {
            let path = FieldPath.spec("tls").index(i)
            let matches = (rule.match ?? []).enumerated().filter { included($0.element.gateways) }
            if matches.isEmpty { continue }
            var hostnames: [String] = []
            for (k, m) in matches {
                let p = path.key("match").index(k)
                for host in m.sniHosts ?? [] where !hostnames.contains(host) { hostnames.append(host) }
                log.consume(ref, p.key("sniHosts"))
                if m.gateways != nil { log.consume(ref, p.key("gateways")) }
                reportL4Match(port: m.port, subnets: m.destinationSubnets, sourceLabels: m.sourceLabels, sourceNamespace: m.sourceNamespace, at: p, ref)
            }
            currentRouteKind = "TLSRoute"
            let backends = l4Backends(rule.route ?? [], at: path.key("route"), ref)
            currentRouteKind = "HTTPRoute"
            let name = names.allocate(kind: "TLSRoute", namespace: ref.namespace, base: "\(base)-tls-\(i)")
            let spec = GatewayAPI.TLSRouteSpec(parentRefs: compatibleParents(parentRefs, serving: ["TLS"], from: ref.namespace), hostnames: hostnames.contains("*") ? nil : hostnames,
                                               rules: [GatewayAPI.L4RouteRule(backendRefs: backends)])
            emit(GatewayAPI.TLSRoute(metadata: metadata(name, ref.namespace, from: ref), spec: spec))
        }
        var claimedPorts: Set<Int?> = []
        for (i, rule) in (spec.tcp ?? []).enumerated() {
            let path = FieldPath.spec("tcp").index(i)
            let matches = (rule.match ?? []).enumerated().filter { included($0.element.gateways) }
            if rule.match != nil && matches.isEmpty { continue }
            var ports: [Int?] = matches.isEmpty ? [nil] : []
            for (k, m) in matches {
                let p = path.key("match").index(k)
                if let port = m.port { ports.append(port); log.consume(ref, p.key("port")) } else { ports.append(nil) }
                if m.gateways != nil { log.consume(ref, p.key("gateways")) }
                reportL4Match(port: nil, subnets: m.destinationSubnets, sourceLabels: m.sourceLabels, sourceNamespace: m.sourceNamespace, at: p, ref)
            }
            if ports.allSatisfy({ claimedPorts.contains($0) || claimedPorts.contains(nil) }) {
                log.info(ref, path, "Istio never reaches this rule: an earlier tcp rule takes the same port(s). It was left out.")
                continue
            }
            claimedPorts.formUnion(ports)
            currentRouteKind = "TCPRoute"
            let backends = l4Backends(rule.route ?? [], at: path.key("route"), ref)
            currentRouteKind = "HTTPRoute"
            let name = names.allocate(kind: "TCPRoute", namespace: ref.namespace, base: "\(base)-tcp-\(i)")
            let tcpParents = compatibleParents(parentRefs, serving: ["TCP", "TLS"], from: ref.namespace)
            let mapped = ports.contains(where: { $0 == nil }) ? tcpParents : tcpParents.flatMap { parent in
                ports.compactMap { $0 }.map { port -> GatewayAPI.ParentReference in
                    var p = parent
                    // A Service parent is narrowed by port; a Gateway by its listener on that port.
                    if parent.isService { p.port = port } else { p.sectionName = listenerName(parent, port: port, from: ref.namespace) ?? p.sectionName }
                    return p
                }
            }
            // Several listeners can map to the same one for a port; each parent appears once.
            var refs: [GatewayAPI.ParentReference] = []
            for p in mapped where !refs.contains(p) { refs.append(p) }
            emit(GatewayAPI.TCPRoute(metadata: metadata(name, ref.namespace, from: ref), spec: GatewayAPI.TCPRouteSpec(parentRefs: refs, rules: [GatewayAPI.L4RouteRule(backendRefs: backends)])))
        }
    }

    private func listenerName(_ parent: GatewayAPI.ParentReference, port: Int, from namespace: String) -> String? {
        let key = "\(parent.namespace ?? namespace)/\(parent.name ?? "")"
        return gatewayListeners[key]?.first { $0.port == port && ($0.protocol == "TCP" || $0.protocol == "TLS") }?.name
    }

    private mutating func reportL4Match(port: Int?, subnets: [String]?, sourceLabels: [String: String]?, sourceNamespace: String?, at path: FieldPath, _ ref: ObjectRef) {
        if port != nil {
            log.info(ref, path.key("port"), "TLS routes are matched by SNI on every TLS listener or Service port they attach to.")
        }
        if subnets != nil {
            log.change(ref, path.key("destinationSubnets"), "Gateway API routes cannot match destination subnets.", action: "Route those destinations through their own Services.")
        }
        if sourceLabels != nil || sourceNamespace != nil {
            log.change(ref, path.key(sourceLabels != nil ? "sourceLabels" : "sourceNamespace"), "Tern's routes apply to every client.",
                       action: "If other clients must not get this routing, give them a different Service to call.")
        }
    }

    private mutating func l4Backends(_ routes: [Istio.RouteDestination], at path: FieldPath, _ ref: ObjectRef) -> [GatewayAPI.BackendRef] {
        let anyWeight = routes.contains { $0.weight != nil }
        var out: [GatewayAPI.BackendRef] = []
        for (k, r) in routes.enumerated() {
            guard let d = r.destination, var backend = backendRef(d, at: path.index(k).key("destination"), ref) else { continue }
            if routes.count > 1 && anyWeight { backend.weight = r.weight ?? 0 }
            if r.weight != nil { log.consume(ref, path.index(k).key("weight")) }
            out.append(backend)
        }
        return out
    }
}
