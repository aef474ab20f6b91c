import TernResources

/// Everything `tern migrate` read: the Istio objects to translate and the Kubernetes objects
/// (Services, workloads, namespaces) used to resolve hosts, ports and labels.
public struct MigrationInput: Sendable {
    public struct Item<R: KubeResource>: Sendable {
        public var resource: R
        public var ref: ObjectRef
    }

    public var gateways: [Item<Istio.Gateway>] = []
    public var virtualServices: [Item<Istio.VirtualService>] = []
    public var destinationRules: [Item<Istio.DestinationRule>] = []
    public var serviceEntries: [Item<Istio.ServiceEntry>] = []
    public var sidecars: [Item<Istio.Sidecar>] = []
    public var peerAuthentications: [Item<Istio.PeerAuthentication>] = []
    public var authorizationPolicies: [Item<Istio.AuthorizationPolicy>] = []
    public var requestAuthentications: [Item<Istio.RequestAuthentication>] = []

    public var services: [Service] = []
    public var workloads: [Workload] = []
    public var namespaces: [Namespace] = []
    /// Objects neither Istio nor used for resolution (IstioOperator, Gateway API routes …).
    public var others: [DecodedObject] = []

    /// Istio's root namespace: mesh-wide policies live here.
    public var rootNamespace = "istio-system"

    public init() {}

    /// Sorts and files decoded objects by kind. Order is by namespace/name so output does not
    /// depend on file order.
    public init(objects: [DecodedObject]) {
        for object in objects.sorted(by: { ($0.key, $0.source.file, $0.source.line) < ($1.key, $1.source.file, $1.source.line) }) {
            add(object)
        }
    }

    public mutating func add(_ object: DecodedObject) {
        let ref = ObjectRef(object)
        switch object.resource {
        case let r as Istio.Gateway: gateways.append(Item(resource: r, ref: ref))
        case let r as Istio.VirtualService: virtualServices.append(Item(resource: r, ref: ref))
        case let r as Istio.DestinationRule: destinationRules.append(Item(resource: r, ref: ref))
        case let r as Istio.ServiceEntry: serviceEntries.append(Item(resource: r, ref: ref))
        case let r as Istio.Sidecar: sidecars.append(Item(resource: r, ref: ref))
        case let r as Istio.PeerAuthentication: peerAuthentications.append(Item(resource: r, ref: ref))
        case let r as Istio.AuthorizationPolicy: authorizationPolicies.append(Item(resource: r, ref: ref))
        case let r as Istio.RequestAuthentication: requestAuthentications.append(Item(resource: r, ref: ref))
        case let r as Service: services.append(r)
        case let r as Namespace: namespaces.append(r)
        default:
            if let w = Workload(object) { workloads.append(w) } else { others.append(object) }
        }
    }

    /// True when nothing Istio-specific was read.
    public var isEmpty: Bool {
        gateways.isEmpty && virtualServices.isEmpty && destinationRules.isEmpty && serviceEntries.isEmpty && sidecars.isEmpty
            && peerAuthentications.isEmpty && authorizationPolicies.isEmpty && requestAuthentications.isEmpty
    }

    /// Every Istio object, for the coverage pass.
    var istioRefs: [ObjectRef] {
        gateways.map(\.ref) + virtualServices.map(\.ref) + destinationRules.map(\.ref) + serviceEntries.map(\.ref)
            + sidecars.map(\.ref) + peerAuthentications.map(\.ref) + authorizationPolicies.map(\.ref) + requestAuthentications.map(\.ref)
    }
}

/// A pod-running workload as the migration sees it: labels of its pods, service account,
/// container ports and HTTP probe paths (read from the raw tree; the core model keeps only
/// what the control plane needs).
public struct Workload: Sendable, Hashable {
    public var kind: String
    public var namespace: String
    public var name: String
    public var podLabels: [String: String]
    public var serviceAccount: String
    public var ports: [Port]
    public var probes: [Probe]
    public var containerNames: [String]

    public struct Port: Sendable, Hashable {
        public var name: String?
        public var number: Int
    }

    public struct Probe: Sendable, Hashable, Comparable {
        public var path: String
        public var port: Int?

        public static func < (a: Probe, b: Probe) -> Bool { (a.path, a.port ?? 0) < (b.path, b.port ?? 0) }
    }

    init(kind: String, namespace: String, name: String, podLabels: [String: String], serviceAccount: String, ports: [Port], probes: [Probe], containerNames: [String]) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.podLabels = podLabels
        self.serviceAccount = serviceAccount
        self.ports = ports
        self.probes = probes
        self.containerNames = containerNames
    }

    init?(_ object: DecodedObject) {
        let template: PodTemplateSpec?
        let labels: [String: String]
        switch object.resource {
        case let w as any PodWorkload:
            template = w.template
            labels = w.template?.metadata?.labels ?? [:]
        case let p as Pod:
            // Pods owned by a workload are represented by that workload.
            if p.metadata.ownerReferences?.isEmpty == false { return nil }
            template = PodTemplateSpec(metadata: nil, spec: p.spec)
            labels = p.metadata.labels ?? [:]
        default:
            return nil
        }
        kind = object.resource.kind
        namespace = object.resource.namespace
        name = object.resource.name
        podLabels = labels
        serviceAccount = template?.spec?.serviceAccountName ?? template?.spec?.serviceAccount ?? "default"
        let containers = template?.spec?.containers ?? []
        containerNames = containers.compactMap(\.name)
        ports = containers.flatMap { $0.ports ?? [] }.compactMap { p in p.containerPort.map { Port(name: p.name, number: $0) } }
        probes = Self.probes(in: object.raw, kind: kind, ports: ports)
    }

    /// HTTP GET probes (liveness, readiness, startup) of every container.
    private static func probes(in raw: ManifestNode, kind: String, ports: [Port]) -> [Probe] {
        let spec = kind == "Pod" ? raw["spec"] : raw["spec"]?["template"]?["spec"]
        var out: Set<Probe> = []
        for container in spec?["containers"]?.items ?? [] {
            for key in ["livenessProbe", "readinessProbe", "startupProbe"] {
                guard let get = container[key]?["httpGet"] else { continue }
                let path = get["path"]?.scalarText ?? "/"
                var port: Int?
                if let text = get["port"]?.scalarText {
                    port = Int(text) ?? ports.first { $0.name == text }?.number
                }
                out.insert(Probe(path: path.hasPrefix("/") ? path : "/" + path, port: port))
            }
        }
        return out.sorted()
    }
}
