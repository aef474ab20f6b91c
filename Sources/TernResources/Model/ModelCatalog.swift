/// Every kind Tern models, grouped by API family; each family lists its own types in
/// `ModelCatalog+<Family>.swift`.
public enum ModelCatalog {
    public static var all: [any KubeResource.Type] {
        core + linkerd + gatewayAPI + smi + istio
    }
}
