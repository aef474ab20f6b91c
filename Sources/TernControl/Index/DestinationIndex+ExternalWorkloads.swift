import TernCore
import TernPolicy
import TernResources

extension DestinationIndex {
    /// ExternalWorkloads (mesh expansion: VMs, local processes) the service's selector picks.
    /// They are meshed by definition: their identity comes from `meshTLS.identity`.
    func fromExternalWorkloads(_ service: Service, _ servicePort: Service.ServicePort) -> [Endpoint] {
        guard let labels = service.spec?.selector, !labels.isEmpty else { return [] }
        let selector = LabelSelector(matchLabels: labels)
        var out: [Endpoint] = []
        for workload in state.all(Linkerd.ExternalWorkload.self, namespace: service.namespace) {
            guard let spec = workload.spec, selector.matches(workload.metadata.labels ?? [:]) else { continue }
            let port: Int?
            switch servicePort.targetPort {
            case .number(let n)?: port = n
            case .name(let name)?: port = spec.ports?.first(where: { $0.name == name })?.port
            case nil: port = servicePort.port
            }
            guard let port else { continue }
            for ip in (spec.workloadIPs ?? []).compactMap(\.ip) {
                var labels = ["namespace": workload.namespace, "external_workload": workload.name]
                if let sa = spec.meshTLS?.identity.flatMap({ try? MeshIdentity(dnsName: $0) })?.serviceAccount { labels["serviceaccount"] = sa }
                out.append(Endpoint(address: ip, port: port, identity: spec.meshTLS?.identity,
                                    protocolHint: opaque(workload).contains(port) ? .opaque : .http2,
                                    opaqueTransportPort: inboundPort(workload), labels: labels))
            }
        }
        return out
    }

    /// The workload's proxy inbound port: Linkerd's pod annotation applies to ExternalWorkloads
    /// too, so several workloads can share one host (the local runtime's explicit mode).
    private func inboundPort(_ workload: Linkerd.ExternalWorkload) -> Int {
        workload.metadata.annotation(PodMeshing.inboundPortAnnotation).flatMap(Int.init) ?? config.proxyInboundPort
    }

    /// An ExternalWorkload declares its opaque ports itself (it has no namespace default).
    private func opaque(_ workload: Linkerd.ExternalWorkload) -> PortSet {
        meshing.opaquePorts(annotations: workload.metadata.annotations, namespace: nil)
    }
}
