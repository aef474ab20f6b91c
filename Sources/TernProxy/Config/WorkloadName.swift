import TernCore

/// The pod a proxy serves, written `namespace:pod` as Linkerd's injector sets
/// `LINKERD2_PROXY_POLICY_WORKLOAD`; the policy API is asked about this workload's ports.
public struct WorkloadName: Hashable, Sendable, CustomStringConvertible {
    public let namespace: String
    public let pod: String

    public init(namespace: String, pod: String) {
        self.namespace = namespace
        self.pod = pod
    }

    /// Parses `namespace:pod`, or says which part is wrong.
    public static func parse(_ text: String) -> Result<WorkloadName, WorkloadNameError> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return .failure(.shape(text)) }
        let namespace = String(parts[0]), pod = String(parts[1])
        guard KubernetesNames.isDNSLabel(namespace) else { return .failure(.namespace(namespace)) }
        // Pod names are DNS subdomains (generated names may contain dots), namespaces labels.
        guard KubernetesNames.isDNSSubdomain(pod) else { return .failure(.pod(pod)) }
        return .success(WorkloadName(namespace: namespace, pod: pod))
    }

    public var description: String { "\(namespace):\(pod)" }
}

public enum WorkloadNameError: Error, Hashable, Sendable, CustomStringConvertible {
    case shape(String)
    case namespace(String)
    case pod(String)

    public var description: String {
        switch self {
        case .shape(let text): return "expected namespace:pod, got \"\(text)\""
        case .namespace(let name): return "namespace \"\(name)\" must be a DNS-1123 label"
        case .pod(let name): return "pod name \"\(name)\" must be a DNS-1123 subdomain"
        }
    }
}
