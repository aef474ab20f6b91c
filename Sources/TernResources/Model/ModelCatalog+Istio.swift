extension ModelCatalog {
    /// Istio's API, read (never served) so `tern migrate istio` can translate it.
    public static let istio: [any KubeResource.Type] = [
        Istio.Gateway.self, Istio.VirtualService.self, Istio.DestinationRule.self,
        Istio.ServiceEntry.self, Istio.Sidecar.self,
        Istio.PeerAuthentication.self, Istio.AuthorizationPolicy.self, Istio.RequestAuthentication.self,
    ]
}
