import TernResources

/// DestinationRules: subsets become per-version Services (Gateway API routes to Services,
/// not label subsets); outlier detection becomes failure-accrual annotations; the rest is
/// reported with the closest Tern setting.
extension TranslationContext {
    mutating func translateDestinationRules() {
        for item in input.destinationRules {
            translate(item.resource, item.ref)
        }
    }

    private mutating func translate(_ dr: Istio.DestinationRule, _ ref: ObjectRef) {
        guard let spec = dr.spec, let host = spec.host else { return }
        let specPath = FieldPath.spec()
        if spec.exportTo != nil {
            log.info(ref, specPath.key("exportTo"), "Tern has no per-namespace visibility of client policy; the settings apply to every client.")
        }
        if spec.workloadSelector != nil {
            log.change(ref, specPath.key("workloadSelector"), "Istio applied this rule only to the selected client workloads; Tern's Service annotations apply to every client.",
                       action: "If only some clients should get this policy, review the emitted annotations.")
        }
        guard let resolved = index.resolve(host: host, from: ref.namespace) else {
            log.change(ref, specPath, "\"\(host)\" is not a Kubernetes Service in the input, and Tern applies client policy and subsets to Services only; nothing of this rule was carried over.",
                       action: "Add the Service to the input, or drop this rule if the host is external.")
            return
        }
        log.consume(ref, specPath.key("host"))
        let serviceAnnotations = trafficPolicyAnnotations(spec.trafficPolicy, at: specPath.key("trafficPolicy"), ref)
        if !serviceAnnotations.isEmpty {
            patch(kind: "Service", namespace: resolved.namespace, name: resolved.name, target: .object, serviceAnnotations, source: ref)
        }
        for (i, subset) in (spec.subsets ?? []).enumerated() {
            let path = specPath.key("subsets").index(i)
            guard let subsetName = subset.name else { continue }
            guard let service = resolved.service else {
                log.change(ref, path, "Subset \"\(subsetName)\" needs a per-version Service built from Service \(resolved.namespace)/\(resolved.name), which is not in the input.",
                           action: "Add the Service (for example from `kubectl get svc -A -o yaml`) to the input and run the migration again.")
                continue
            }
            var annotations = serviceAnnotations
            annotations.merge(trafficPolicyAnnotations(subset.trafficPolicy, at: path.key("trafficPolicy"), ref)) { _, subsetValue in subsetValue }
            let name = subsetService(for: service, subset: subsetName, labels: subset.labels ?? [:], annotations: annotations, ref: ref, path: path)
            subsetServices["\(resolved.namespace)/\(resolved.name)/\(subsetName)"] = name
            log.consume(ref, path.key("name"))
            log.consume(ref, path.key("labels"))
        }
    }

    /// Emits (or reuses) the Service that selects `service`'s pods narrowed to `labels`.
    private mutating func subsetService(for service: Service, subset: String, labels: [String: String], annotations: [String: String], ref: ObjectRef, path: FieldPath) -> String {
        var selector = service.spec?.selector ?? [:]
        selector.merge(labels) { _, subsetLabel in subsetLabel }
        // A Service the user already has with exactly this selector serves the purpose.
        if let existing = index.allServices.first(where: { $0.namespace == service.namespace && $0.name != service.name && $0.spec?.selector == selector }) {
            log.info(ref, path, "Subset \"\(subset)\" is served by the existing Service \(existing.namespace)/\(existing.name), which selects the same pods.")
            if !annotations.isEmpty { patch(kind: "Service", namespace: existing.namespace, name: existing.name, target: .object, annotations, source: ref) }
            return existing.name
        }
        let name = names.allocate(kind: "Service", namespace: service.namespace, base: "\(service.name)-\(subset)")
        let ports = (service.spec?.ports ?? []).map { p -> Service.ServicePort in
            var port = Service.ServicePort(name: p.name, port: p.port ?? 0, targetPort: p.targetPort, appProtocol: p.appProtocol)
            port.protocol = p.protocol
            return port
        }
        var meta = metadata(name, service.namespace, from: ref)
        meta.annotations?.merge(annotations) { a, _ in a }
        var out = Service(name: name, namespace: service.namespace, spec: Service.Spec(selector: selector, ports: ports))
        out.metadata = meta
        emit(out)
        return name
    }
}
