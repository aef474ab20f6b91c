extension ModelCatalog {
    public static let linkerd: [any KubeResource.Type] = [
        Linkerd.Server.self, Linkerd.ServerAuthorization.self, Linkerd.AuthorizationPolicy.self,
        Linkerd.MeshTLSAuthentication.self, Linkerd.NetworkAuthentication.self, Linkerd.HTTPRoute.self,
        Linkerd.HTTPLocalRateLimitPolicy.self, Linkerd.EgressNetwork.self, Linkerd.ServiceProfile.self,
        Linkerd.ExternalWorkload.self,
    ]
}
