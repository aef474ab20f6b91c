extension ModelCatalog {
    public static let istio: [any KubeResource.Type] = []
}
