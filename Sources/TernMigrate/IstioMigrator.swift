import TernResources

/// What one migration produced: manifests to apply, patches to run, and the findings.
public struct MigrationResult: Sendable {
    public var manifests: [any KubeResource]
    public var patches: [AnnotationPatch]
    public var findings: [Finding]
    /// Istio Gateways translated (`namespace/name`), for the ingress plan.
    public var ingressGateways: [String]
    /// The mesh-wide default inbound policy implied by the input, if any.
    public var meshDefaultInboundPolicy: String?

    /// 0 when everything translated (info findings at most), 3 when the user must act.
    public var exitCode: Int32 {
        findings.contains { $0.severity != .info } ? 3 : 0
    }

    public func count(_ severity: Finding.Severity) -> Int { findings.filter { $0.severity == severity }.count }
}

/// Translates Istio configuration into Gateway API and Tern (Linkerd) resources. Pure: input
/// objects in, result out; reading files and printing live in the CLI.
public struct IstioMigrator: Sendable {
    public var options: MigrationOptions

    public init(options: MigrationOptions = MigrationOptions()) { self.options = options }

    public func migrate(_ input: MigrationInput) -> MigrationResult {
        var ctx = TranslationContext(input: input, options: options)
        ctx.translateDestinationRules()
        ctx.translateGateways()
        ctx.translateVirtualServices()
        ctx.translatePeerAuthentications()
        ctx.translateAuthorizationPolicies()
        ctx.translateServiceEntries()
        ctx.reportSidecars()
        ctx.reportRequestAuthentications()
        for ref in input.istioRefs { ctx.log.reportUncovered(ref) }
        ctx.emitNamespaces()
        return MigrationResult(manifests: ManifestOrder.sorted(ctx.manifests), patches: ctx.patches.sorted(),
                               findings: FindingOrder.sorted(ctx.log.findings, objects: input.istioRefs),
                               ingressGateways: ctx.gatewayListeners.keys.sorted(), meshDefaultInboundPolicy: ctx.meshDefaultInboundPolicy)
    }
}

extension TranslationContext {
    /// Namespace objects carrying the namespace-level annotations (applying merges them).
    mutating func emitNamespaces() {
        for (ns, annotations) in namespaceAnnotations.sorted(by: { $0.key < $1.key }) {
            emit(Namespace(name: ns, annotations: annotations))
        }
    }
}
