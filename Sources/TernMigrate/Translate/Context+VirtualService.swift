import TernResources

/// VirtualServices → Gateway API routes. A VirtualService bound to Istio Gateways becomes
/// routes whose parents are the translated Gateways; one applying to the mesh becomes GAMMA
/// routes whose parents are the Services its hosts name (no hostnames, as Linkerd requires).
extension TranslationContext {
    /// The parents one set of routes attaches to.
    enum Parents {
        case gateways([GatewayAPI.ParentReference], names: [String], hostnames: [String]?)
        case mesh([GatewayAPI.ParentReference])
    }

    mutating func translateVirtualServices() {
        for item in input.virtualServices { translate(item.resource, item.ref) }
        emitReferenceGrants()
    }

    private mutating func translate(_ vs: Istio.VirtualService, _ ref: ObjectRef) {
        guard let spec = vs.spec else { return }
        let specPath = FieldPath.spec()
        var parentSets: [(parents: Parents, suffix: String?)] = []
        let gatewayNames = spec.ingressGateways
        if !gatewayNames.isEmpty, let gatewayParents = gatewayParents(gatewayNames, spec: spec, ref) {
            parentSets.append((gatewayParents, nil))
        }
        if let gws = spec.gateways {
            for (i, g) in gws.enumerated() where g == "mesh" { log.consume(ref, specPath.key("gateways").index(i)) }
        }
        if spec.appliesToMesh, let mesh = meshParents(spec, ref) {
            parentSets.append((mesh, parentSets.isEmpty ? nil : "mesh"))
            reportExportScope(spec, mesh, ref)
        } else if spec.exportTo != nil {
            log.consume(ref, specPath.key("exportTo"))
        }
        if parentSets.isEmpty {
            log.change(ref, FieldPath.spec(), "Nothing to attach these rules to (no translated Gateway, and no Service among the hosts), so no route was emitted.",
                       action: "Add the Istio Gateway or the Services to the input and run the migration again.")
            return
        }
        for (i, _) in (spec.hosts ?? []).enumerated() { log.consume(ref, specPath.key("hosts").index(i)) }
        for (parents, suffix) in parentSets {
            let base = suffix.map { "\(ref.name)-\($0)" } ?? ref.name
            emitHTTPRoutes(spec, parents: parents, base: base, ref)
            emitL4Routes(spec, parents: parents, base: base, ref)
        }
    }

    /// GAMMA scope: a route in the Service's namespace (producer route) applies to every
    /// client; one in another namespace (consumer route) only to clients in its own namespace.
    /// Istio's exportTo says which namespaces see the VirtualService.
    private mutating func reportExportScope(_ spec: Istio.VirtualService.Spec, _ parents: Parents, _ ref: ObjectRef) {
        guard case .mesh(let refs) = parents else { return }
        let consumer = refs.allSatisfy { $0.namespace != nil }
        let producer = refs.allSatisfy { $0.namespace == nil }
        let export = spec.exportTo ?? ["*"]
        let path = FieldPath.spec("exportTo")
        if export.contains("*") {
            if spec.exportTo != nil { log.consume(ref, path) }
            if consumer || !producer {
                log.change(ref, FieldPath.spec("hosts"), "The route lives in \(ref.namespace) but its Service elsewhere, so Tern applies it only to clients in \(ref.namespace) (a GAMMA consumer route); Istio applied it to every client.",
                           action: "Move the VirtualService to the Service's namespace and run the migration again, to route every client.")
            }
        } else if export == ["."] && consumer {
            log.consume(ref, path) // A consumer route is exactly "this namespace only".
        } else {
            log.change(ref, path, "Tern applies a mesh route to every client of the Service (or, from another namespace, to that namespace's clients); exportTo \(export) cannot be expressed.",
                       action: "Check that the clients outside the export list may get this routing.")
        }
    }

    private mutating func gatewayParents(_ names: [String], spec: Istio.VirtualService.Spec, _ ref: ObjectRef) -> Parents? {
        var parents: [GatewayAPI.ParentReference] = []
        for (i, name) in (spec.gateways ?? []).enumerated() where name != "mesh" {
            let key = gatewayKey(name, from: ref.namespace)
            let parts = key.split(separator: "/").map(String.init)
            let path = FieldPath.spec("gateways").index(i)
            guard let listeners = gatewayListeners[key] else {
                log.change(ref, path, "Istio Gateway \(key) is not in the input, so there is no Gateway API Gateway to attach to.",
                           action: "Add the Istio Gateway to the input and run the migration again.")
                continue
            }
            log.consume(ref, path)
            let namespace = parts[0] == ref.namespace ? nil : parts[0]
            if listeners.contains(where: \.redirectsToHTTPS) {
                // Skip listeners that only redirect to HTTPS: Istio never routed them.
                for l in listeners where !l.redirectsToHTTPS {
                    parents.append(GatewayAPI.ParentReference(group: GatewayAPI.group, kind: "Gateway", namespace: namespace, name: parts[1], sectionName: l.name))
                }
            } else {
                parents.append(GatewayAPI.ParentReference(group: GatewayAPI.group, kind: "Gateway", namespace: namespace, name: parts[1]))
            }
        }
        guard !parents.isEmpty else { return nil }
        let hosts = spec.hosts ?? []
        // `*` means every host: a route without hostnames.
        var hostnames: [String]?
        if !hosts.contains("*") {
            hostnames = []
            for (i, host) in hosts.enumerated() {
                let name = host.lowercased()
                if Self.isRouteHostname(name) {
                    if !hostnames!.contains(name) { hostnames!.append(name) }
                } else {
                    log.change(ref, FieldPath.spec("hosts").index(i), "\"\(host)\" is not a hostname Gateway API routes accept (IP addresses and ports are not); it was left out.",
                               action: "Match that traffic on a dedicated listener instead.")
                }
            }
            if hostnames!.isEmpty { hostnames = nil }
        }
        return .gateways(parents, names: names, hostnames: hostnames)
    }

    private mutating func meshParents(_ spec: Istio.VirtualService.Spec, _ ref: ObjectRef) -> Parents? {
        var parents: [GatewayAPI.ParentReference] = []
        for (i, host) in (spec.hosts ?? []).enumerated() {
            guard let resolved = index.resolve(host: host, from: ref.namespace) else {
                if spec.ingressGateways.isEmpty || spec.gateways?.contains("mesh") == true {
                    log.change(ref, FieldPath.spec("hosts").index(i), "Mesh routes attach to a Service, and \"\(host)\" is not a Service in the input; mesh traffic to it is not routed by these rules.",
                               action: "Add the Service to the input; for an external host use an EgressNetwork with routes.")
                }
                continue
            }
            let port = index.port(of: resolved, requested: nil)
            let parent = GatewayAPI.ParentReference(group: "core", kind: "Service", namespace: resolved.namespace == ref.namespace ? nil : resolved.namespace,
                                                    name: resolved.name, port: port)
            if !parents.contains(parent) { parents.append(parent) }
        }
        return parents.isEmpty ? nil : .mesh(parents)
    }

    private mutating func emitHTTPRoutes(_ spec: Istio.VirtualService.Spec, parents: Parents, base: String, _ ref: ObjectRef) {
        guard let http = spec.http, !http.isEmpty else { return }
        let include: (Istio.HTTPMatchRequest) -> Bool
        let parentRefs: [GatewayAPI.ParentReference]
        var hostnames: [String]?
        switch parents {
        case .gateways(let refs, let names, let hosts):
            parentRefs = compatibleParents(refs, serving: ["HTTP", "HTTPS"], from: ref.namespace)
            hostnames = hosts
            include = { m in m.gateways.map { $0.contains { names.contains($0) } } ?? true }
        case .mesh(let refs):
            parentRefs = refs
            include = { m in m.gateways.map { $0.contains("mesh") } ?? true }
        }
        var drafts: [DraftRule] = []
        for (i, rule) in http.enumerated() {
            if let d = draft(rule, index: i, vs: ref, include: include) { drafts.append(d) }
        }
        let ordered = RuleOrdering.apply(drafts)
        reportOrdering(ordered, ref)
        // Consecutive rules with the same route-level annotations share a route; a change
        // starts a new one, named in order so ties keep Istio's order.
        var groups: [[DraftRule]] = []
        for rule in ordered.rules {
            if let last = groups.last?.last, last.annotations == rule.annotations { groups[groups.count - 1].append(rule) } else { groups.append([rule]) }
        }
        for (g, group) in groups.enumerated() {
            let name = names.allocate(kind: "HTTPRoute", namespace: ref.namespace, base: groups.count == 1 ? base : "\(base)-\(g)")
            var meta = metadata(name, ref.namespace, from: ref)
            meta.annotations?.merge(group[0].annotations) { a, _ in a }
            let spec = GatewayAPI.HTTPRouteSpec(parentRefs: parentRefs, hostnames: hostnames, rules: group.flatMap { $0.gatewayRules() })
            emit(GatewayAPI.HTTPRoute(metadata: meta, spec: spec))
        }
    }

    private mutating func reportOrdering(_ o: RuleOrdering.Outcome, _ ref: ObjectRef) {
        for (rule, by) in o.droppedRules {
            log.info(ref, FieldPath.spec("http").index(rule), "Istio never reaches this rule: http[\(by)] comes first and matches all its requests. It was left out so Gateway API precedence cannot revive it.")
        }
        for (rule, match, by) in o.droppedMatches {
            log.info(ref, FieldPath.spec("http").index(rule).key("match").index(match), "Istio never reaches this match: http[\(by)] comes first and matches all its requests. It was left out.")
        }
        for (rule, from) in o.widened {
            log.info(ref, FieldPath.spec("http").index(rule), "Gateway API ranks http[\(from)]'s match above this rule's; the overlap was added to this rule's matches so requests Istio sent here still come here.")
        }
        for (rule, other) in o.undecidable {
            log.change(ref, FieldPath.spec("http").index(rule), "This rule and http[\(other)] may match the same requests, and with regular expressions Gateway API's precedence may reorder them.",
                       action: "Make the matches disjoint, or check that the order Gateway API picks is acceptable.")
        }
    }

    /// One ReferenceGrant per target namespace and source namespace, naming the Services.
    private mutating func emitReferenceGrants() {
        var services: [String: Set<String>] = [:]
        var kinds: [String: Set<String>] = [:]
        for entry in crossNamespaceBackends {
            let parts = entry.split(separator: "|").map(String.init)
            services["\(parts[0])|\(parts[1])", default: []].insert(parts[2])
            kinds["\(parts[0])|\(parts[1])", default: []].insert(parts[3])
        }
        for pair in services.keys.sorted() {
            let parts = pair.split(separator: "|").map(String.init)
            let name = names.allocate(kind: "ReferenceGrant", namespace: parts[1], base: "routes-from-\(parts[0])")
            let from = kinds[pair, default: []].sorted().map { GatewayAPI.ReferenceGrantFrom(group: GatewayAPI.group, kind: $0, namespace: parts[0]) }
            let to = services[pair, default: []].sorted().map { GatewayAPI.ReferenceGrantTo(group: "", kind: "Service", name: $0) }
            var meta = ObjectMeta(name: name, namespace: parts[1])
            meta.annotations = [Self.sourceAnnotation: "VirtualServices in \(parts[0])"]
            emit(GatewayAPI.ReferenceGrant(metadata: meta, spec: GatewayAPI.ReferenceGrantSpec(from: from, to: to)))
        }
    }

    /// Gateway API hostnames: DNS names, optionally with one leading `*.` label, not IPs.
    static func isRouteHostname(_ s: String) -> Bool {
        var name = Substring(s)
        if name.hasPrefix("*.") { name = name.dropFirst(2) }
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.allSatisfy({ $0.allSatisfy(\.isNumber) }) { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        }
    }
}
