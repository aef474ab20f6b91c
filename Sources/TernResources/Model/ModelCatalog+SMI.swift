extension ModelCatalog {
    public static let smi: [any KubeResource.Type] = [SMI.TrafficSplit.self]
}
