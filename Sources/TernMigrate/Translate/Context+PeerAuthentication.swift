import TernResources

/// PeerAuthentication → Tern's default inbound policy (`config.linkerd.io/default-inbound-policy`)
/// on namespaces (mesh-wide and namespace scope) or workload pod templates (selector scope);
/// port-level DISABLE → `config.linkerd.io/skip-inbound-ports`.
extension TranslationContext {
    static let defaultInboundPolicy = "config.linkerd.io/default-inbound-policy"
    static let skipInboundPorts = "config.linkerd.io/skip-inbound-ports"

    /// Strength order so a stricter setting from another input wins on the same namespace.
    static func strictness(_ policy: String) -> Int {
        ["all-unauthenticated": 0, "cluster-unauthenticated": 1, "all-authenticated": 2, "cluster-authenticated": 3, "deny": 4][policy] ?? 0
    }

    mutating func setNamespacePolicy(_ namespace: String, _ policy: String) {
        let current = namespaceAnnotations[namespace]?[Self.defaultInboundPolicy]
        if current == nil || Self.strictness(policy) > Self.strictness(current!) {
            annotateNamespace(namespace, Self.defaultInboundPolicy, policy)
        }
    }

    mutating func translatePeerAuthentications() {
        // Mesh-wide first, then namespaces, then workloads: narrower scopes override.
        let sorted = input.peerAuthentications.sorted { scope($0) < scope($1) }
        for item in sorted { translate(item.resource, item.ref) }
    }

    private func scope(_ item: MigrationInput.Item<Istio.PeerAuthentication>) -> Int {
        if item.resource.spec?.selector != nil { return 2 }
        return item.ref.namespace == input.rootNamespace ? 0 : 1
    }

    private mutating func translate(_ pa: Istio.PeerAuthentication, _ ref: ObjectRef) {
        let spec = pa.spec ?? Istio.PeerAuthentication.Spec()
        let modePath = FieldPath.spec("mtls", "mode")
        let meshWide = spec.selector == nil && ref.namespace == input.rootNamespace
        let mode = spec.mtls?.mode ?? .unset
        var policy: String?
        switch mode {
        case .unset:
            log.consume(ref, FieldPath.spec("mtls"))
        case .permissive:
            policy = "all-unauthenticated"
        case .strict:
            policy = meshWide ? "all-authenticated" : "cluster-authenticated"
            log.info(ref, modePath, meshWide
                ? "Mesh-wide STRICT became all-authenticated: every meshed client with a valid identity is accepted, from any network (multi-cluster gateways included)."
                : "STRICT became cluster-authenticated: a client must present a mesh identity and connect from the cluster's networks.",
                action: "Nothing to do; use all-authenticated instead if clients from other clusters connect directly.")
        case .disable:
            policy = "all-unauthenticated"
            log.info(ref, modePath, "Tern cannot refuse mutual TLS from meshed clients; DISABLE became all-unauthenticated, which also accepts plaintext.",
                     action: "To keep a port entirely out of the mesh, list it in \(Self.skipInboundPorts).")
        }
        if policy != nil, mode != .strict, mode != .disable { log.consume(ref, modePath) }
        if spec.selector == nil {
            if let policy { applyNamespacePolicy(policy, meshWide: meshWide, ref) }
            if spec.portLevelMtls != nil {
                log.change(ref, FieldPath.spec("portLevelMtls"), "Istio ignores port-level settings without a selector.", action: "Nothing carried over; add a selector if you meant it.")
            }
            return
        }
        let workloads = index.workloads(in: ref.namespace, matching: spec.selector?.matchLabels)
        log.consume(ref, FieldPath.spec("selector"))
        guard !workloads.isEmpty else {
            log.change(ref, FieldPath.spec("selector"), "No workload in the input matches the selector, so no pod template was annotated.",
                       action: "Add the workloads (kubectl get deploy,sts,ds -A -o yaml) to the input, or annotate their pod templates with \(Self.defaultInboundPolicy): \(policy ?? "(unchanged)").")
            return
        }
        for w in workloads {
            var annotations: [String: String] = [:]
            if let policy { annotations[Self.defaultInboundPolicy] = policy }
            annotations.merge(portAnnotations(spec.portLevelMtls, workload: w, ref)) { a, _ in a }
            guard !annotations.isEmpty else { continue }
            if w.kind == "Pod" {
                log.change(ref, FieldPath.spec("selector"), "Pod \(w.namespace)/\(w.name) has no controller whose template could carry the annotation.",
                           action: "Add the annotations to the pod's manifest and recreate it.")
                continue
            }
            patch(kind: w.kind, namespace: w.namespace, name: w.name, target: .podTemplate, annotations, source: ref)
        }
    }

    private mutating func applyNamespacePolicy(_ policy: String, meshWide: Bool, _ ref: ObjectRef) {
        guard meshWide else {
            // A namespace's own PeerAuthentication overrides the mesh-wide one, either way.
            annotateNamespace(ref.namespace, Self.defaultInboundPolicy, policy)
            return
        }
        meshDefaultInboundPolicy = policy
        // The cluster-wide default is an install setting; namespaces in the input get it too,
        // so the result holds without reinstalling.
        let namespaces = Set(input.namespaces.map(\.name) + input.workloads.map(\.namespace) + input.services.map(\.namespace))
            .subtracting([input.rootNamespace, "kube-system", "kube-public", "kube-node-lease", options.controlPlaneNamespace])
        for ns in namespaces.sorted() { setNamespacePolicy(ns, policy) }
    }

    private mutating func portAnnotations(_ ports: [String: Istio.PeerAuthentication.MutualTLS]?, workload: Workload, _ ref: ObjectRef) -> [String: String] {
        guard let ports else { return [:] }
        var skip: [Int] = []
        for (key, setting) in ports.sorted(by: { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }) {
            let path = FieldPath.spec("portLevelMtls").key(key)
            switch setting.mode {
            case .disable?:
                if let port = Int(key) { skip.append(port) }
                log.info(ref, path, "Port \(key) is skipped by the proxy (\(Self.skipInboundPorts)), so it takes plaintext like Istio's DISABLE; Tern sees no traffic on it.")
            case .unset?, nil:
                log.consume(ref, path)
            case .strict?, .permissive?:
                log.change(ref, path, "Tern sets the default inbound policy per workload, not per port.",
                           action: "Create a Server for port \(key) with accessPolicy \(setting.mode == .strict ? "cluster-authenticated" : "all-unauthenticated").")
            }
        }
        return skip.isEmpty ? [:] : [Self.skipInboundPorts: skip.map(String.init).joined(separator: ",")]
    }
}
