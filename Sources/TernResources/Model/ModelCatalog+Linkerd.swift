extension ModelCatalog {
    public static let linkerd: [any KubeResource.Type] = []
}
