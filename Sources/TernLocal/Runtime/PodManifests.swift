import Foundation

/// The Pods the runtime publishes for the Deployments it runs, as the kubelet and the
/// endpoints controller would: the controller selects them by label for Services, names
/// their identity by service account and dials their proxy's inbound port. Pure.
public enum PodManifests {
    private struct Pod: Encodable {
        var apiVersion = "v1"
        var kind = "Pod"
        var metadata: Metadata
        var spec: Spec
        var status: Status
    }
    private struct Metadata: Encodable {
        var name: String
        var namespace: String
        var labels: [String: String]
        var annotations: [String: String]
        var ownerReferences: [Owner]
    }
    private struct Owner: Encodable {
        var apiVersion = "apps/v1"
        var kind = "ReplicaSet"
        var name: String
        var controller = true
    }
    private struct Spec: Encodable {
        var serviceAccountName: String
        var containers: [Container]
    }
    private struct Container: Encodable {
        var name: String
        var ports: [ContainerPort]
    }
    private struct ContainerPort: Encodable {
        var name: String?
        var containerPort: Int
    }
    private struct Status: Encodable {
        var phase = "Running"
        var podIP: String
    }

    /// One document per running Deployment workload (ExternalWorkloads publish themselves).
    /// Every document is a JSON object, which YAML reads as is.
    public static func render(_ running: [(workload: LocalWorkload, placement: Placement)], mode: RuntimeMode) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let documents = running.filter { $0.workload.kind == .deployment }.sorted { $0.workload.id < $1.workload.id }.map { entry in
            let (workload, placement) = entry
            var annotations = ["linkerd.io/inject": "enabled"]
            if mode == .explicit { annotations[WorkloadPlanner.inboundPortAnnotation] = "\(placement.inboundPort)" }
            let pod = Pod(
                metadata: Metadata(name: workload.podName, namespace: workload.namespace, labels: workload.labels,
                                   annotations: annotations, ownerReferences: [Owner(name: workload.replicaSetName)]),
                spec: Spec(serviceAccountName: workload.serviceAccount, containers: [
                    Container(name: "app", ports: workload.ports.map { ContainerPort(name: $0.name, containerPort: placement.applicationPort(for: $0.port)) }),
                ]),
                status: Status(podIP: placement.address))
            return (try? encoder.encode(pod)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }
        return "# Written by the Tern local runtime: the pods it runs. Do not edit.\n" + documents.joined(separator: "\n---\n") + "\n"
    }
}
