import TernResources

/// The ordered steps of a single-cluster Istio → Tern migration (seed 000's sequence),
/// tailored to the input: ingress first, then the translated configuration, then namespaces
/// callers-first, then Istio's removal. Features Tern lacks are flagged up front.
public struct MigrationPlan: Sendable {
    public struct Step: Sendable {
        public enum Item: Sendable, Equatable {
            case text(String)
            case command(String)
        }

        public var title: String
        /// Explanations and commands in reading order.
        public var items: [Item]

        init(title: String, lines: [String], commands: [String]) {
            self.title = title
            self.items = lines.map(Item.text) + commands.map(Item.command)
        }

        init(title: String, items: [Item]) {
            self.title = title
            self.items = items
        }

        public var commands: [String] {
            items.compactMap { if case .command(let c) = $0 { return c } else { return nil } }
        }
    }

    public var lacking: [String]
    public var steps: [Step]

    public var text: String {
        var out = "Istio → Tern migration plan (single cluster)\n\n"
        out += "Features in use that Tern lacks or handles differently:\n"
        out += lacking.isEmpty ? "  none found in the input\n" : lacking.map { "  ! \($0)\n" }.joined()
        for (i, step) in steps.enumerated() {
            out += "\n\(i + 1). \(step.title)\n"
            for item in step.items {
                switch item {
                case .text(let line): out += "   \(line)\n"
                case .command(let command): out += "     $ \(command)\n"
                }
            }
        }
        out += "\nA multi-cluster migration (a new cluster running Tern, traffic shifted over gradually) keeps mTLS everywhere at all times; it uses the same translated manifests and skips the per-namespace boundary steps.\n"
        return out
    }

    public static func build(input: MigrationInput, result: MigrationResult, options: MigrationOptions, installation: InstallationSettings) -> MigrationPlan {
        var b = PlanBuilder(input: input, result: result, options: options, installation: installation)
        return b.build()
    }
}

struct PlanBuilder {
    let input: MigrationInput
    let result: MigrationResult
    let options: MigrationOptions
    let installation: InstallationSettings
    var steps: [MigrationPlan.Step] = []

    mutating func build() -> MigrationPlan {
        let lacking = lackingFeatures()
        steps.append(.init(title: "Review the translation and its findings", lines: [
            "\(result.manifests.count) manifests, \(result.patches.count) annotation patches; findings: \(Finding.Severity.allCases.map { "\(result.count($0)) \($0.rawValue)" }.joined(separator: ", ")).",
            "Resolve every behaviour-change and security-relevant finding before moving traffic.",
        ], commands: ["tern migrate istio -f <inputs> --report markdown --report-file findings.md > tern-manifests.yaml"]))
        steps.append(installStep())
        steps.append(ingressStep())
        if !input.virtualServices.isEmpty || !input.destinationRules.isEmpty {
            steps.append(.init(title: "(Istio API only) Apply the translated routes and per-version Services", lines: [
                "Istio ignores Gateway API mesh routes, and Tern applies them only to Tern-meshed clients, so both meshes keep their own routing during the move.",
            ], commands: ["kubectl apply -f tern-manifests.yaml"] + result.patches.filter { $0.kind == "Service" }.map(\.command)))
        }
        if let relax = relaxStep() { steps.append(relax) }
        steps += namespaceSteps()
        steps.append(.init(title: "Rebuild the metrics pipeline", lines: [
            "Istio's istio_requests_total and istio_request_duration_milliseconds become Tern's request_total/response_total and response_latency_ms (labels direction, authority, dst_*, route_*).",
            "Update dashboards and alerts before removing Istio.",
        ], commands: []))
        steps.append(removalStep())
        return MigrationPlan(lacking: lacking, steps: steps)
    }

    private func lackingFeatures() -> [String] {
        var out: [String] = installation.features.map { "\($0.setting)=\($0.value) (\($0.file)): \($0.note)" }
        let denies = input.authorizationPolicies.filter { [.deny, .custom, .audit].contains($0.resource.effectiveAction) }
        if !denies.isEmpty {
            out.append("AuthorizationPolicy with DENY/CUSTOM/AUDIT (\(denies.map(\.ref.description).joined(separator: ", "))): Tern policy only allows; these need redesign as allow rules.")
        }
        if !input.requestAuthentications.isEmpty {
            out.append("RequestAuthentication (JWT) in \(Set(input.requestAuthentications.map(\.ref.namespace)).sorted().joined(separator: ", ")): Tern does not validate end-user tokens.")
        }
        if input.sidecars.contains(where: { $0.resource.spec?.outboundTrafficPolicy?.mode == "REGISTRY_ONLY" && $0.resource.spec?.workloadSelector != nil }) {
            out.append("Sidecar REGISTRY_ONLY for selected workloads: Tern restricts egress per namespace (EgressNetwork), not per workload.")
        }
        if !input.serviceEntries.isEmpty {
            out.append("ServiceEntry (\(input.serviceEntries.count)): external hosts are reachable without registration in Tern; see the EgressNetwork findings.")
        }
        let kinds = Set(input.others.map(\.resource.kind))
        for (kind, note) in [("EnvoyFilter", "Envoy configuration patches have no Tern equivalent."), ("WasmPlugin", "Wasm extensions have no Tern equivalent."),
                             ("WorkloadEntry", "VM workloads: use Tern ExternalWorkload."), ("Telemetry", "Telemetry customizations: Tern's metrics are fixed.")] where kinds.contains(kind) {
            out.append("\(kind): \(note)")
        }
        if result.findings.contains(where: { $0.field.contains("corsPolicy") }) { out.append("CORS policies: Tern does not implement CORS.") }
        // Istio retries every HTTP request twice by default; Tern retries only when told to.
        let implicit = input.virtualServices.reduce(0) { n, vs in n + (vs.resource.spec?.http ?? []).filter { $0.retries == nil && $0.route != nil }.count }
        if implicit > 0 {
            out.append("Implicit retries: \(implicit) HTTP rule(s) rely on Istio's default of 2 retries; Tern retries only routes annotated with retry.linkerd.io/* (add retry.linkerd.io/http: gateway-error and retry.linkerd.io/limit: \"2\" to keep them).")
        }
        return out
    }

    private func installStep() -> MigrationPlan.Step {
        var lines = ["Tern and Istio coexist in one cluster as long as no namespace is injected by both."]
        if let policy = result.meshDefaultInboundPolicy {
            lines.append("The mesh-wide PeerAuthentication asks for default inbound policy \(policy); install with it (namespaces in the input also get the annotation).")
        }
        return .init(title: "Install Tern next to Istio", lines: lines, commands: ["tern install | kubectl apply -f -", "tern check"])
    }

    /// Ingress deployments: Istio's gateway pods selected by the translated Gateways.
    private var ingressDeployments: [Workload] {
        let selectors = input.gateways.compactMap { $0.resource.spec?.selector }
        var out = input.workloads.filter { w in
            w.containerNames.contains("istio-proxy") && selectors.contains { sel in sel.allSatisfy { w.podLabels[$0.key] == $0.value } }
        }
        let declared = installation.ingressGateways
        for key in declared where !out.contains(where: { "\($0.namespace)/\($0.name)" == key }) {
            let parts = key.split(separator: "/").map(String.init)
            out.append(Workload(kind: "Deployment", namespace: parts[0], name: parts[1], podLabels: [:], serviceAccount: "", ports: [], probes: [], containerNames: ["istio-proxy"]))
        }
        return out
    }

    private func ingressStep() -> MigrationPlan.Step {
        var deployments = ingressDeployments
        if deployments.isEmpty && !input.gateways.isEmpty {
            deployments = [Workload(kind: "Deployment", namespace: input.rootNamespace, name: "istio-ingressgateway", podLabels: [:], serviceAccount: "", ports: [], probes: [], containerNames: ["istio-proxy"])]
        }
        var items: [MigrationPlan.Step.Item] = [.text("Decide ingress before anything else. Option A keeps Istio's ingress gateway and meshes it with Tern; option B moves to a Gateway API ingress controller.")]
        if deployments.isEmpty {
            items.append(.text("The input has no Istio Gateway: ingress is not handled by Istio, nothing to do here."))
        } else {
            items.append(.text("Option A: rename the istio-proxy container (Tern never injects a pod that has one), then annotate the pod template for injection:"))
            for d in deployments {
                let index = d.containerNames.firstIndex(of: "istio-proxy") ?? 0
                items.append(.command("kubectl patch deploy -n \(d.namespace) \(d.name) --type=json --patch='[ { \"op\": \"replace\", \"path\": \"/spec/template/spec/containers/\(index)/name\", \"value\": \"istio-gateway\" } ]'"))
                items.append(.command("kubectl patch deploy -n \(d.namespace) \(d.name) --type=merge --patch 'spec: { template: { metadata: { annotations: { linkerd.io/inject: enabled } } } }'"))
            }
            let gateways = result.ingressGateways.joined(separator: ", ")
            items.append(.text("Option B: apply the translated Gateway(s) \(gateways) (gatewayClassName \(options.gatewayClass)\(options.gatewayClassGiven ? "" : "; pass --gateway-class for your controller")) and their routes, mesh the controller with Tern, then move DNS or the load balancer to it."))
            items.append(.text("With option B, AuthorizationPolicies that allow Istio's ingress gateway identity must name the new controller's service account instead."))
        }
        return .init(title: "Ingress first", items: items)
    }

    private func relaxStep() -> MigrationPlan.Step? {
        let strict = input.peerAuthentications.filter { $0.resource.spec?.mtls?.mode == .strict }
        guard !strict.isEmpty else { return nil }
        return .init(title: "Relax Istio's STRICT mTLS for the duration", lines: [
            "Between a workload still on Istio and one on Tern there is no mTLS, so STRICT PeerAuthentications (\(strict.map(\.ref.description).joined(separator: ", "))) would reject the other mesh's calls.",
            "Set them to PERMISSIVE now; Tern enforces its own default inbound policy on each namespace as it moves.",
        ], commands: strict.map { "kubectl patch peerauthentication -n \($0.ref.namespace) \($0.ref.name) --type=merge -p '{\"spec\":{\"mtls\":{\"mode\":\"PERMISSIVE\"}}}'" })
    }

    private func namespaceSteps() -> [MigrationPlan.Step] {
        let index = ServiceIndex(services: input.services, workloads: input.workloads, clusterDomain: options.clusterDomain)
        let graph = CallGraph(input, index: index)
        let order = graph.order(excluding: [input.rootNamespace, options.controlPlaneNamespace, "kube-system"])
        guard !order.isEmpty else { return [] }
        var steps: [MigrationPlan.Step] = []
        let namespaceObjects = Dictionary(result.manifests.compactMap { $0 as? Namespace }.map { ($0.name, $0) }) { a, _ in a }
        steps.append(.init(title: "Move namespaces to Tern, callers first", lines: [
            "Order (from the ingress down the call graph of VirtualServices and AuthorizationPolicies): \(order.joined(separator: " → ")).",
            "A namespace moves after its callers, so when its Tern policy starts requiring mesh identities, its callers already have them.",
        ], commands: []))
        for ns in order {
            var lines: [String] = []
            let callers = graph.callers(of: ns).map { $0 == CallGraph.ingress ? "the ingress" : $0 }
            if !callers.isEmpty { lines.append("Called by: \(callers.joined(separator: ", ")).") }
            if let policy = namespaceObjects[ns]?.metadata.annotations?[TranslationContext.defaultInboundPolicy] {
                lines.append("Default inbound policy \(policy) (from the Namespace manifest applied earlier).")
            }
            var commands = ["kubectl label namespace \(ns) istio-injection-", "kubectl annotate namespace \(ns) linkerd.io/inject=enabled"]
            commands += result.patches.filter { $0.namespace == ns && $0.kind != "Service" }.map(\.command)
            commands += ["kubectl rollout restart deploy,statefulset,daemonset -n \(ns)", "tern check --proxy -n \(ns)"]
            steps.append(.init(title: "Namespace \(ns)", lines: lines, commands: commands))
        }
        return steps
    }

    private func removalStep() -> MigrationPlan.Step {
        var kinds: [String] = []
        for (kind, count) in [("virtualservices", input.virtualServices.count), ("destinationrules", input.destinationRules.count), ("gateways.networking.istio.io", input.gateways.count),
                              ("serviceentries", input.serviceEntries.count), ("sidecars", input.sidecars.count), ("peerauthentications", input.peerAuthentications.count),
                              ("authorizationpolicies.security.istio.io", input.authorizationPolicies.count), ("requestauthentications", input.requestAuthentications.count)] where count > 0 {
            kinds.append(kind)
        }
        var commands = kinds.isEmpty ? [] : ["kubectl delete \(kinds.joined(separator: ",")) -A --all"]
        commands += ["istioctl uninstall --purge -y", "kubectl delete namespace \(input.rootNamespace)"]
        return .init(title: "Remove Istio", lines: [
            "Once every namespace runs on Tern (and, with ingress option A, the gateway no longer needs istiod — replace it first), delete Istio's configuration and control plane.",
        ], commands: commands)
    }
}
