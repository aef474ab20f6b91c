import TernResources

/// State of one migration run: inputs, lookups, what has been emitted and what was found.
/// The translation steps are extensions in `Context+<Kind>.swift`, run in dependency order
/// (DestinationRules before VirtualServices, which route to their subsets).
struct TranslationContext {
    let input: MigrationInput
    let options: MigrationOptions
    let index: ServiceIndex
    var log = FindingLog()
    var names = NameAllocator()
    var manifests: [any KubeResource] = []
    var patches: [AnnotationPatch] = []
    /// Annotations to set on namespaces (emitted as Namespace objects).
    var namespaceAnnotations: [String: [String: String]] = [:]
    /// `ns/host/subset` → the per-version Service emitted (or found) for it.
    var subsetServices: [String: String] = [:]
    /// Istio Gateways (`ns/name`) that were translated, and their listener names.
    var gatewayListeners: [String: [ListenerInfo]] = [:]
    /// `routeNamespace|serviceNamespace|service|routeKind` for backends in another namespace (each
    /// needs a ReferenceGrant).
    var crossNamespaceBackends: Set<String> = []
    /// Kind of the route being built, for the ReferenceGrants its backends need.
    var currentRouteKind = "HTTPRoute"
    /// The mesh-wide default inbound policy a root-namespace PeerAuthentication asks for.
    var meshDefaultInboundPolicy: String?

    static let sourceAnnotation = "migrate.tern.io/source"

    init(input: MigrationInput, options: MigrationOptions) {
        self.input = input
        self.options = options
        self.index = ServiceIndex(services: input.services, workloads: input.workloads, clusterDomain: options.clusterDomain)
        for s in input.services { names.reserve(kind: "Service", namespace: s.namespace, name: s.name) }
    }

    /// Metadata of an emitted object, annotated with the input it came from.
    func metadata(_ name: String, _ namespace: String, from source: ObjectRef, labels: [String: String]? = nil) -> ObjectMeta {
        ObjectMeta(name: name, namespace: namespace, labels: labels, annotations: [Self.sourceAnnotation: "\(source.kind)/\(source.namespace)/\(source.name)"])
    }

    mutating func emit(_ resource: any KubeResource) {
        manifests.append(resource)
    }

    mutating func annotateNamespace(_ namespace: String, _ key: String, _ value: String) {
        namespaceAnnotations[namespace, default: [:]][key] = value
    }

    /// Adds annotations to an existing object (merged with any patch already planned for it).
    mutating func patch(kind: String, namespace: String, name: String, target: AnnotationPatch.Target, _ annotations: [String: String], source: ObjectRef) {
        if let i = patches.firstIndex(where: { $0.kind == kind && $0.namespace == namespace && $0.name == name && $0.target == target }) {
            patches[i].annotations.merge(annotations) { _, new in new }
            if !patches[i].source.contains(source.description) { patches[i].source += ", " + source.description }
        } else {
            patches.append(AnnotationPatch(kind: kind, namespace: namespace, name: name, target: target, annotations: annotations, source: source.description))
        }
    }
}
