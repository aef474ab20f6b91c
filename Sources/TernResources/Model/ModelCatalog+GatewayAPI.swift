extension ModelCatalog {
    public static let gatewayAPI: [any KubeResource.Type] = [
        GatewayAPI.Gateway.self, GatewayAPI.HTTPRoute.self, GatewayAPI.GRPCRoute.self,
        GatewayAPI.TCPRoute.self, GatewayAPI.TLSRoute.self, GatewayAPI.ReferenceGrant.self,
    ]
}
