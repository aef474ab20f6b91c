/// The spec shared by the workload kinds: a selector and the template of the pods they run.
public struct WorkloadSpec: Codable, Sendable, Hashable {
    public var replicas: Int?
    public var selector: LabelSelector?
    public var template: PodTemplateSpec?
    public var serviceName: String?

    public init(replicas: Int? = nil, selector: LabelSelector? = nil, template: PodTemplateSpec? = nil) {
        self.replicas = replicas
        self.selector = selector
        self.template = template
    }
}

/// Workload kinds that run pods from a template.
public protocol PodWorkload: KubeResource {
    var spec: WorkloadSpec? { get }
}

extension PodWorkload {
    public var template: PodTemplateSpec? { spec?.template }

    public func validate(_ v: inout Validator) {
        guard v.required(spec, "spec") != nil, let spec else { return }
        v.at("spec") { v in
            if let r = spec.replicas, r < 0 { v.error("replicas must be 0 or more, got \(r)", at: "replicas") }
            if Self.kind != "DaemonSet" || spec.selector != nil { v.required(spec.selector, "selector") }
            v.selector(spec.selector, at: "selector")
            guard v.required(spec.template, "template") != nil, let template = spec.template else { return }
            v.at("template") { v in
                v.at("metadata", template.metadata) { v, m in v.labels(m.labels, at: "labels") }
                v.at("spec", template.spec) { v, s in s.validate(&v) }
                if let selector = spec.selector, !selector.matches(template.metadata?.labels ?? [:]) {
                    v.error("the selector does not match the template's labels, so the workload would own none of its pods", at: "metadata")
                }
            }
        }
    }
}

public struct Deployment: PodWorkload {
    public static let group = "apps"
    public static let kind = "Deployment"
    public static let versions = ["v1"]
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: WorkloadSpec?

    public init(name: String, namespace: String, spec: WorkloadSpec) {
        apiVersion = Self.preferredAPIVersion
        kind = Self.kind
        metadata = ObjectMeta(name: name, namespace: namespace)
        self.spec = spec
    }
}

public struct StatefulSet: PodWorkload {
    public static let group = "apps"
    public static let kind = "StatefulSet"
    public static let versions = ["v1"]
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: WorkloadSpec?
}

public struct DaemonSet: PodWorkload {
    public static let group = "apps"
    public static let kind = "DaemonSet"
    public static let versions = ["v1"]
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: WorkloadSpec?
}

public struct ReplicaSet: PodWorkload {
    public static let group = "apps"
    public static let kind = "ReplicaSet"
    public static let versions = ["v1"]
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: WorkloadSpec?
}
