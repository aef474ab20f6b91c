extension ModelCatalog {
    public static let gatewayAPI: [any KubeResource.Type] = []
}
