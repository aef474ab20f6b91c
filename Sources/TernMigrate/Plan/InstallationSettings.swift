import TernResources

/// Istio installation settings from `helm get values … -a` output or an IstioOperator,
/// flattened to dotted keys (`meshConfig.outboundTrafficPolicy.mode`), and the features
/// among them that Tern does not have.
public struct InstallationSettings: Sendable {
    public struct Source: Sendable {
        public var file: String
        public var node: ManifestNode

        public init(file: String, node: ManifestNode) {
            self.file = file
            self.node = node
        }
    }

    /// A setting in use and what it means for the migration.
    public struct Feature: Sendable, Hashable {
        public var setting: String
        public var value: String
        public var file: String
        public var note: String
    }

    private(set) var values: [String: (value: String, file: String)] = [:]
    /// `namespace/name` of ingress gateway deployments an IstioOperator declares.
    private(set) var ingressGateways: [String] = []

    public init(_ sources: [Source]) {
        for source in sources {
            if source.node["kind"]?.scalarText == "IstioOperator", let spec = source.node["spec"] {
                // IstioOperator nests Helm values under spec.values; the rest mirrors them.
                flatten(spec, prefix: "", file: source.file)
                if let v = spec["values"] { flatten(v, prefix: "", file: source.file) }
                for g in spec["components"]?["ingressGateways"]?.items ?? [] where g["enabled"]?.scalarText != "false" {
                    ingressGateways.append("\(g["namespace"]?.scalarText ?? "istio-system")/\(g["name"]?.scalarText ?? "istio-ingressgateway")")
                }
            } else {
                flatten(source.node, prefix: "", file: source.file)
            }
        }
    }

    private mutating func flatten(_ node: ManifestNode, prefix: String, file: String) {
        switch node.value {
        case .mapping(let entries):
            for e in entries { flatten(e.value, prefix: prefix.isEmpty ? e.key : "\(prefix).\(e.key)", file: file) }
        case .sequence(let items):
            if !items.isEmpty { values[prefix] = ("\(items.count) entries", file) }
            for (i, item) in items.enumerated() { flatten(item, prefix: "\(prefix)[\(i)]", file: file) }
        case .scalar(let text, _):
            values[prefix] = (text, file)
        }
    }

    func value(_ key: String) -> String? { values[key]?.value }

    /// Settings whose value turns on something Tern lacks (or handles differently).
    static let rules: [(key: String, when: @Sendable (String) -> Bool, note: String)] = [
        ("meshConfig.outboundTrafficPolicy.mode", { $0 == "REGISTRY_ONLY" },
         "Egress is restricted to registered hosts; Tern allows egress unless an EgressNetwork with trafficPolicy: Deny covers it."),
        ("meshConfig.enableTracing", { $0 == "true" }, "Tracing is on; Tern's proxies do not emit trace spans, so traces lose their mesh hops."),
        ("meshConfig.extensionProviders", { _ in true }, "Extension providers (external authorization, tracing, logging) have no Tern equivalent; CUSTOM authorization stops being enforced."),
        ("meshConfig.accessLogFile", { !$0.isEmpty }, "Access logs: set config.linkerd.io/access-log: apache (or json) on the workloads instead."),
        ("global.multiCluster.enabled", { $0 == "true" }, "Istio multi-cluster is on; link clusters with Tern's multi-cluster gateways before moving cross-cluster traffic."),
        ("global.meshID", { !$0.isEmpty }, "A mesh ID is set (multi-mesh or multi-cluster setups); check cross-cluster traffic."),
        ("gateways.istio-egressgateway.enabled", { $0 == "true" }, "An egress gateway is deployed; Tern has no egress gateway, only EgressNetwork policy at each proxy."),
        ("components.egressGateways[0].enabled", { $0 == "true" }, "An egress gateway is deployed; Tern has no egress gateway, only EgressNetwork policy at each proxy."),
        ("components.cni.enabled", { $0 == "true" }, "Istio CNI is on; Tern's injector adds a privileged init step unless you install a CNI plugin."),
        ("istio_cni.enabled", { $0 == "true" }, "Istio CNI is on; Tern's injector adds a privileged init step unless you install a CNI plugin."),
        ("profile", { $0 == "ambient" }, "Ambient mode has no sidecars; Tern is sidecar-based, so every workload is restarted with a proxy."),
        ("meshConfig.defaultConfig.holdApplicationUntilProxyStarts", { $0 == "true" }, "Tern starts the proxy before the application by default (config.linkerd.io/proxy-await)."),
        ("global.proxy.holdApplicationUntilProxyStarts", { $0 == "true" }, "Tern starts the proxy before the application by default (config.linkerd.io/proxy-await)."),
    ]

    public var features: [Feature] {
        Self.rules.compactMap { rule in
            guard let (value, file) = values[rule.key], rule.when(value) else { return nil }
            return Feature(setting: rule.key, value: value, file: file, note: rule.note)
        }
    }

    public var isEmpty: Bool { values.isEmpty }
}
