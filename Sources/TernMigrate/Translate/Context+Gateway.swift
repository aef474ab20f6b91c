import TernResources

/// Istio Gateway → Gateway API Gateway: one listener per server and host (Gateway API
/// listeners carry a single hostname), TLS modes mapped, certificates from credentialName.
extension TranslationContext {
    /// What routes need to know about a translated Gateway's listeners.
    struct ListenerInfo: Hashable {
        var name: String
        var `protocol`: String
        var port: Int
        /// The listener only redirects to HTTPS (Istio `httpsRedirect`); routes skip it.
        var redirectsToHTTPS: Bool
    }

    mutating func translateGateways() {
        for item in input.gateways { translate(item.resource, item.ref) }
    }

    /// The Istio Gateway a VirtualService names (`name` or `namespace/name`).
    func gatewayKey(_ reference: String, from namespace: String) -> String {
        reference.contains("/") ? reference : "\(namespace)/\(reference)"
    }

    private mutating func translate(_ gw: Istio.Gateway, _ ref: ObjectRef) {
        guard let spec = gw.spec else { return }
        let specPath = FieldPath.spec()
        if spec.selector != nil {
            log.info(ref, specPath.key("selector"), "The Gateway API controller of class \"\(options.gatewayClass)\" chooses the pods that serve this Gateway; Istio's selector picked its ingress gateway pods.",
                     action: options.gatewayClassGiven ? "Nothing to do." : "Pass --gateway-class with your ingress controller's class if it is not Istio.")
        }
        var listeners: [GatewayAPI.Listener] = []
        var infos: [ListenerInfo] = []
        var listenerNames = NameAllocator()
        let key = "\(ref.namespace)/\(ref.name)"
        let crossNamespace = input.virtualServices.contains { vs in
            vs.resource.spec?.ingressGateways.contains { gatewayKey($0, from: vs.ref.namespace) == key } == true && vs.ref.namespace != ref.namespace
        }
        var redirectRoutes: [(listener: String, path: FieldPath)] = []
        for (i, server) in (spec.servers ?? []).enumerated() {
            let path = specPath.key("servers").index(i)
            guard let number = server.port?.number else { continue }
            let istioProtocol = server.port?.normalizedProtocol ?? "HTTP"
            log.consume(ref, path.key("port").key("number"))
            log.consume(ref, path.key("port").key("protocol"))
            if server.port?.name != nil { log.consume(ref, path.key("port").key("name")) }
            if server.name != nil { log.consume(ref, path.key("name")) }
            if let t = server.port?.targetPort { log.info(ref, path.key("port").key("targetPort"), "The ingress controller picks its own container port; Istio used \(t).") }
            if server.bind != nil {
                log.change(ref, path.key("bind"), "Gateway API listeners cannot bind to one address.", action: "Restrict the address with your ingress controller's Service instead.")
            }
            if server.defaultEndpoint != nil {
                log.change(ref, path.key("defaultEndpoint"), "Gateway API has no default endpoint for a listener.", action: "Route the traffic with an HTTPRoute or TCPRoute instead.")
            }
            let (proto, tls) = listenerTLS(server, istioProtocol: istioProtocol, gatewayNamespace: ref.namespace, at: path, ref)
            guard let proto else {
                // The reason is reported on the protocol or TLS mode; the server is dropped whole.
                log.consume(ref, path)
                continue
            }
            for (h, host) in (server.hosts ?? []).enumerated() {
                let split = Self.splitHost(host)
                let hostNamespace = split.namespace
                var hostname = split.host
                if hostname != "*" && !Self.isRouteHostname(hostname.lowercased()) {
                    log.change(ref, path.key("hosts").index(h), "\"\(hostname)\" is not a hostname a Gateway API listener accepts; the listener takes every host.",
                               action: "Restrict the hosts with the routes' hostnames instead.")
                    hostname = "*"
                }
                hostname = hostname.lowercased()
                let allowed = allowedRoutes(hostNamespace, crossNamespace: crossNamespace)
                let hostLabel = hostname == "*" ? "" : "-" + hostname.replacingOccurrences("*", "wildcard")
                // Istio's own names carry over; a server with several hosts needs one listener each.
                let named = server.name ?? server.port?.name ?? "\(proto.lowercased())-\(number)"
                let base = (server.hosts?.count ?? 0) > 1 ? named + hostLabel : named
                let name = listenerNames.allocate(kind: "Listener", namespace: "", base: base)
                listeners.append(GatewayAPI.Listener(name: name, hostname: hostname == "*" ? nil : hostname, port: number, protocol: proto, tls: tls, allowedRoutes: allowed))
                let redirect = server.tls?.httpsRedirect == true
                infos.append(ListenerInfo(name: name, protocol: proto, port: number, redirectsToHTTPS: redirect))
                if redirect { redirectRoutes.append((name, path.key("tls").key("httpsRedirect"))) }
                log.consume(ref, path.key("hosts").index(h))
            }
        }
        guard !listeners.isEmpty else { return }
        names.reserve(kind: "Gateway", namespace: ref.namespace, name: ref.name)
        emit(GatewayAPI.Gateway(metadata: metadata(ref.name, ref.namespace, from: ref),
                                spec: GatewayAPI.GatewaySpec(gatewayClassName: options.gatewayClass, listeners: listeners)))
        gatewayListeners[key] = infos
        for (listener, path) in redirectRoutes {
            log.consume(ref, path)
            let name = names.allocate(kind: "HTTPRoute", namespace: ref.namespace, base: "\(ref.name)-\(listener)-https-redirect")
            let rule = GatewayAPI.HTTPRouteRule(filters: [.requestRedirect(GatewayAPI.HTTPRequestRedirectFilter(scheme: .https, statusCode: 301))])
            let parent = GatewayAPI.ParentReference(group: GatewayAPI.group, kind: "Gateway", name: ref.name, sectionName: listener)
            emit(GatewayAPI.HTTPRoute(metadata: metadata(name, ref.namespace, from: ref), spec: GatewayAPI.HTTPRouteSpec(parentRefs: [parent], rules: [rule])))
        }
    }

    /// Parents whose listener (when one is named) serves one of `protocols`: HTTP routes go to
    /// HTTP(S) listeners, TLS routes to TLS listeners, TCP routes to TCP (or terminated TLS).
    func compatibleParents(_ refs: [GatewayAPI.ParentReference], serving protocols: Set<String>, from namespace: String) -> [GatewayAPI.ParentReference] {
        refs.filter { ref in
            guard !ref.isService, let section = ref.sectionName else { return true }
            guard let listener = gatewayListeners["\(ref.namespace ?? namespace)/\(ref.name ?? "")"]?.first(where: { $0.name == section }) else { return true }
            return protocols.contains(listener.protocol)
        }
    }

    /// `ns/host` → ("ns", "host"); a bare host has no namespace restriction.
    static func splitHost(_ host: String) -> (namespace: String?, host: String) {
        guard let slash = host.firstIndex(of: "/") else { return (nil, host) }
        return (String(host[..<slash]), String(host[host.index(after: slash)...]))
    }

    /// Istio lets any namespace bind unless the host says otherwise; Gateway API defaults to the
    /// Gateway's namespace, so widen it only when a VirtualService elsewhere binds.
    private func allowedRoutes(_ hostNamespace: String?, crossNamespace: Bool) -> GatewayAPI.AllowedRoutes? {
        switch hostNamespace {
        case "."?: return nil
        case "*"?: return GatewayAPI.AllowedRoutes(namespaces: GatewayAPI.RouteNamespaces(from: .all))
        case let ns?:
            return GatewayAPI.AllowedRoutes(namespaces: GatewayAPI.RouteNamespaces(from: .selector, selector: LabelSelector(matchLabels: ["kubernetes.io/metadata.name": ns])))
        case nil:
            return crossNamespace ? GatewayAPI.AllowedRoutes(namespaces: GatewayAPI.RouteNamespaces(from: .all)) : nil
        }
    }
}
