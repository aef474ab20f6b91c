extension ModelCatalog {
    public static let core: [any KubeResource.Type] = [
        Namespace.self, Service.self, Endpoints.self, EndpointSlice.self, Pod.self,
        Deployment.self, StatefulSet.self, DaemonSet.self, ReplicaSet.self,
        ServiceAccount.self, Secret.self,
    ]
}
