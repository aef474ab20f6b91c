import Testing
@testable import TernResources

@Suite("Cluster state index")
struct ClusterStateTests {
    func object(_ yaml: String) throws -> DecodedObject {
        try #require(ManifestTestSupport.valid(yaml).first)
    }

    @Test func applyQueryUpdateDelete() throws {
        var state = ClusterState()
        let svc = try object("apiVersion: v1\nkind: Service\nmetadata: {name: color, namespace: faces}\nspec: {ports: [{port: 80}]}\n")
        #expect(state.apply(svc) == .added)
        #expect(state.apply(svc) == .unchanged)
        let generation = state.generation
        #expect(state.get(Service.self, namespace: "faces", name: "color")?.spec?.ports?.first?.port == 80)
        #expect(state.all(Service.self).count == 1)
        #expect(state.all(Service.self, namespace: "other").isEmpty)

        let changed = try object("apiVersion: v1\nkind: Service\nmetadata: {name: color, namespace: faces}\nspec: {ports: [{port: 8080}]}\n")
        #expect(state.apply(changed) == .updated)
        #expect(state.generation == generation + 1)
        #expect(state.get(Service.self, namespace: "faces", name: "color")?.spec?.ports?.first?.port == 8080)

        #expect(state.delete(changed.key) != nil)
        #expect(state.delete(changed.key) == nil)
        #expect(state.count == 0)
    }

    @Test func namespaceDefaultsAndClusterScope() throws {
        var state = ClusterState()
        state.apply(try object("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n"))
        state.apply(try object("apiVersion: v1\nkind: Namespace\nmetadata: {name: faces}\n"))
        #expect(state.get(ServiceAccount.self, namespace: "default", name: "web") != nil)
        #expect(state.get(Namespace.self, namespace: "ignored", name: "faces") != nil)
    }

    @Test func unknownKindsAreKeptWhole() throws {
        var state = ClusterState()
        let cm = try object("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: a}\ndata: {k: v}\n")
        state.apply(cm)
        let stored = try #require(state.objects(of: ResourceType(group: "", kind: "ConfigMap")).first)
        #expect(stored.raw["data"]?["k"]?.scalarText == "v")
        #expect((stored.resource as? UnknownResource)?.kind == "ConfigMap")
    }

    @Test func secretsKeepNoValues() throws {
        let secret = try object("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: Opaque\ndata: {token: c2VjcmV0}\nstringData: {password: hunter2}\n")
        #expect(secret.raw["data"] == nil)
        #expect(secret.raw["stringData"] == nil)
        #expect(!"\(secret)".contains("hunter2"))
        #expect(secret.as(Secret.self)?.type == "Opaque")
    }
}
