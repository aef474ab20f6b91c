import TernCore
import TernResources

/// Istio AuthorizationPolicy → Tern authorization in the shape seed 000 shows: the default
/// inbound policy becomes deny (namespace annotation for namespace-wide policies, pod template
/// for selected workloads), Servers cover the workloads' ports, MeshTLSAuthentication and
/// NetworkAuthentication say who may connect, AuthorizationPolicies allow them — on the
/// Namespace, a Server, or an HTTPRoute for `to.operation` methods and paths. Kubelet probes
/// get their own route and network authorization, as seed 000 warns they must.
extension TranslationContext {
    mutating func translateAuthorizationPolicies() {
        var draft = AuthorizationDraft()
        var serverIndex: [String: String] = [:]
        for item in input.authorizationPolicies {
            translate(item.resource, item.ref, &draft, &serverIndex)
        }
        addProbeAndCatchAllRoutes(&draft)
        emitAuthorization(draft)
    }

    private mutating func translate(_ ap: Istio.AuthorizationPolicy, _ ref: ObjectRef, _ draft: inout AuthorizationDraft, _ serverIndex: inout [String: String]) {
        let spec = ap.spec ?? Istio.AuthorizationPolicy.Spec()
        switch ap.effectiveAction {
        case .deny:
            log.security(ref, FieldPath.spec(), "Tern policies only allow; this DENY policy is not enforced, so the requests it rejected (\(Self.summary(spec.rules))) are no longer blocked by it.",
                         action: "Make the workloads' default inbound policy deny and allow only the remaining traffic with ALLOW rules, then re-run the migration.")
            return
        case .custom:
            log.security(ref, FieldPath.spec(), "Tern has no external authorization; requests that \(spec.provider?.name ?? "the provider") would have rejected are allowed.",
                         action: "Enforce the check in the application or at the ingress controller before switching traffic.")
            return
        case .audit:
            log.info(ref, FieldPath.spec(), "AUDIT policies only log decisions; Tern records authorization results in its metrics (inbound_http_authz_allow_total / deny_total).")
            return
        case .allow:
            if spec.action != nil { log.consume(ref, FieldPath.spec("action")) }
        }
        if spec.targetRef != nil || spec.targetRefs != nil {
            let key = spec.targetRef != nil ? "targetRef" : "targetRefs"
            log.change(ref, FieldPath.spec(key), "Policies attached to a Gateway or Service by targetRef are not translated; Tern authorizes at the workloads' Servers.",
                       action: "Give the policy a workload selector instead and re-run the migration.")
            return
        }
        let meshWide = spec.selector == nil && ref.namespace == input.rootNamespace
        let namespaces = meshWide ? meshNamespaces : [ref.namespace]
        if meshWide {
            log.info(ref, FieldPath.spec(), "A mesh-wide policy (root namespace, no selector) was applied to each namespace in the input: \(namespaces.joined(separator: ", ")).")
        }
        if spec.selector != nil { log.consume(ref, FieldPath.spec("selector")) }
        var servers: [AuthorizationDraft.Server] = []
        for ns in namespaces {
            let workloads = index.workloads(in: ns, matching: spec.selector?.matchLabels)
            if spec.selector == nil {
                setNamespacePolicy(ns, "deny")
            } else {
                for w in workloads where w.kind != "Pod" {
                    patch(kind: w.kind, namespace: w.namespace, name: w.name, target: .podTemplate, [Self.defaultInboundPolicy: "deny"], source: ref)
                }
            }
            if workloads.isEmpty || workloads.allSatisfy({ $0.ports.isEmpty }) {
                log.change(ref, spec.selector == nil ? FieldPath.spec() : FieldPath.spec("selector"),
                           "No workload in the input (or none with container ports) is selected in \(ns), so no Server was emitted; with the default inbound policy deny, Tern then refuses all traffic to those pods.",
                           action: "Add the workloads (kubectl get deploy,sts,ds -n \(ns) -o yaml) to the input and run the migration again.")
            }
            for w in workloads {
                for port in w.ports {
                    let key = "\(ns)/\(w.name)/\(port.number)"
                    if let existing = serverIndex[key], let s = draft.servers.first(where: { $0.name == existing && $0.namespace == ns }) {
                        servers.append(s)
                        continue
                    }
                    let name = names.allocate(kind: "Server", namespace: ns, base: "\(w.name)-\(port.name ?? "\(port.number)")")
                    let server = AuthorizationDraft.Server(name: name, namespace: ns, podLabels: w.podLabels, port: port.name.map(PortRef.name) ?? .number(port.number))
                    serverIndex[key] = name
                    draft.servers.append(server)
                    draft.sources["Server/\(ns)/\(name)"] = ref
                    servers.append(server)
                }
            }
        }
        for (r, rule) in (spec.rules ?? []).enumerated() {
            translateRule(rule, index: r, count: spec.rules?.count ?? 0, ap: ref, namespaces: namespaces, servers: servers, namespaceWide: spec.selector == nil, &draft)
        }
    }

    /// Namespaces a mesh-wide policy applies to.
    private var meshNamespaces: [String] {
        Set(input.namespaces.map(\.name) + input.workloads.map(\.namespace) + input.services.map(\.namespace))
            .subtracting([input.rootNamespace, "kube-system", "kube-public", "kube-node-lease", options.controlPlaneNamespace]).sorted()
    }

    private mutating func translateRule(_ rule: Istio.AuthorizationPolicy.Rule, index r: Int, count: Int, ap ref: ObjectRef, namespaces: [String],
                                        servers: [AuthorizationDraft.Server], namespaceWide: Bool, _ draft: inout AuthorizationDraft) {
        let path = FieldPath.spec("rules").index(r)
        if rule.when != nil {
            log.security(ref, path.key("when"), "Tern cannot check request attributes (\(Self.conditionKeys(rule.when))); the rule allows its sources without these conditions.",
                         action: "Enforce the conditions in the application, or narrow the rule's sources before switching traffic.")
        }
        let base = ref.name + (count > 1 ? "-\(r)" : "")
        let sourceCount = rule.from?.count ?? 0
        var alternatives: [(auths: [MigrationAuth], label: String)] = []
        if sourceCount == 0 {
            alternatives.append(([.network(["0.0.0.0/0", "::/0"])], "any-client"))
            log.info(ref, path, "A rule without `from` allows every client, authenticated or not; it became a NetworkAuthentication for all networks.")
        }
        for (s, from) in (rule.from ?? []).enumerated() {
            guard let source = from.source else { continue }
            if let auths = translateSource(source, at: path.key("from").index(s).key("source"), ref) {
                alternatives.append((auths, sourceCount > 1 ? "\(s)" : ""))
            }
        }
        let operations = translateOperations(rule.to, at: path.key("to"), ref)
        for (label, auths) in alternatives.map({ ($0.label, $0.auths) }) {
            let authBase = label.isEmpty ? base : "\(base)-\(label)"
            for ns in namespaces {
                let refs = authenticationRefs(auths, namespace: ns, base: authBase, ref, &draft)
                for op in operations {
                    let targets = servers.filter { s in s.namespace == ns && (op.ports == nil || op.ports!.contains(portNumber(s))) }
                    if namespaceWide && op.matches == nil && op.ports == nil {
                        addPolicy(base: authBase, ns: ns, target: .namespace(ns), refs, ref, &draft)
                        continue
                    }
                    for server in targets {
                        if let matches = op.matches {
                            let routeName = names.allocate(kind: "HTTPRoute.policy", namespace: ns, base: "\(server.name)-\(authBase)")
                            draft.routes.append(AuthorizationDraft.Route(name: routeName, namespace: ns, server: server.name, matches: matches))
                            draft.sources["HTTPRoute/\(ns)/\(routeName)"] = ref
                            addPolicy(base: routeName, ns: ns, target: .route(routeName), refs, ref, &draft)
                        } else {
                            addPolicy(base: "\(authBase)-\(server.name)", ns: ns, target: .server(server.name), refs, ref, &draft)
                        }
                    }
                }
            }
        }
    }

    func portNumber(_ s: AuthorizationDraft.Server) -> Int {
        switch s.port {
        case .number(let n): return n
        case .name(let name):
            return index.workloads.first { w in w.namespace == s.namespace && w.podLabels == s.podLabels }?.ports.first { $0.name == name }?.number ?? 0
        }
    }

    private mutating func addPolicy(base: String, ns: String, target: AuthorizationDraft.Target, _ refs: [AuthorizationDraft.Authentication], _ source: ObjectRef, _ draft: inout AuthorizationDraft) {
        if draft.policies.contains(where: { $0.namespace == ns && $0.target == target && $0.authentications == refs }) { return }
        let name = names.allocate(kind: "AuthorizationPolicy", namespace: ns, base: base)
        draft.policies.append(AuthorizationDraft.Policy(name: name, namespace: ns, target: target, authentications: refs, source: source))
    }

    /// Authentications the draft holds for `auths` in `ns`, created on first use.
    private mutating func authenticationRefs(_ auths: [MigrationAuth], namespace ns: String, base: String, _ ref: ObjectRef, _ draft: inout AuthorizationDraft) -> [AuthorizationDraft.Authentication] {
        auths.map { auth in
            switch auth {
            case .mesh(let identities):
                if let existing = draft.meshAuthentications.first(where: { $0.namespace == ns && $0.identities == identities }) { return .mesh(existing.name) }
                let name = names.allocate(kind: "MeshTLSAuthentication", namespace: ns, base: base)
                draft.meshAuthentications.append(AuthorizationDraft.MeshAuthentication(name: name, namespace: ns, identities: identities))
                draft.sources["MeshTLSAuthentication/\(ns)/\(name)"] = ref
                return .mesh(name)
            case .network(let networks):
                if let existing = draft.networkAuthentications.first(where: { $0.namespace == ns && $0.networks == networks }) { return .network(existing.name) }
                let name = names.allocate(kind: "NetworkAuthentication", namespace: ns, base: base)
                draft.networkAuthentications.append(AuthorizationDraft.NetworkAuthentication(name: name, namespace: ns, networks: networks))
                draft.sources["NetworkAuthentication/\(ns)/\(name)"] = ref
                return .network(name)
            }
        }
    }

    static func summary(_ rules: [Istio.AuthorizationPolicy.Rule]?) -> String {
        guard let rules, !rules.isEmpty else { return "every request" }
        return "\(rules.count) rule\(rules.count == 1 ? "" : "s")"
    }

    static func conditionKeys(_ when: [Istio.AuthorizationPolicy.Condition]?) -> String {
        (when ?? []).compactMap(\.key).joined(separator: ", ")
    }
}

/// One authentication requirement of a rule's source (all of a source's must hold).
enum MigrationAuth: Hashable {
    case mesh([String])
    case network([String])
}
