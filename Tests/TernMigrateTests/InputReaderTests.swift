import Testing
import TernResources
@testable import TernMigrate

/// Reading inputs: JSON and `List`s, every Istio API version, kubectl dumps, exit codes.
@Suite struct InputReaderTests {
    @Test func jsonListAtOldVersions() {
        let json = """
        {"apiVersion": "v1", "kind": "List", "items": [
          {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"},
           "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80}]}},
          {"apiVersion": "networking.istio.io/v1alpha3", "kind": "VirtualService", "metadata": {"name": "web", "namespace": "shop"},
           "spec": {"hosts": ["web"], "http": [{"route": [{"destination": {"host": "web"}}]}]}},
          {"apiVersion": "security.istio.io/v1beta1", "kind": "PeerAuthentication", "metadata": {"name": "default", "namespace": "shop"},
           "spec": {"mtls": {"mode": "PERMISSIVE"}}}
        ]}
        """
        let loaded = InputReader.read([InputReader.File(name: "dump.json", bytes: Array(json.utf8), lenient: false)])
        #expect(loaded.errors.isEmpty, "\(loaded.errors)")
        #expect(loaded.input.virtualServices.count == 1)
        #expect(loaded.input.peerAuthentications.count == 1)
        let result = IstioMigrator().migrate(loaded.input)
        #expect(result.exitCode == 0, "\(result.findings)")
        let ns = result.manifests.compactMap { $0 as? Namespace }.first
        #expect(ns?.metadata.annotations?[TranslationContext.defaultInboundPolicy] == "all-unauthenticated")
    }

    @Test func meshWideStrictAnnotatesEveryNamespace() {
        let result = MigrateSupport.migrate("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: pay}
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: istio-system}
        spec: {mtls: {mode: STRICT}}
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: legacy, namespace: pay}
        spec: {mtls: {mode: PERMISSIVE}}
        """)
        let policies = Dictionary(uniqueKeysWithValues: result.manifests.compactMap { $0 as? Namespace }.map { ($0.name, $0.metadata.annotations?[TranslationContext.defaultInboundPolicy]) })
        #expect(policies["shop"] == "all-authenticated")
        // A namespace's own PeerAuthentication overrides the mesh-wide one, as in Istio.
        #expect(policies["pay"] == "all-unauthenticated")
        #expect(result.meshDefaultInboundPolicy == "all-authenticated")
    }

    @Test func portLevelDisableSkipsThePort() {
        let result = MigrateSupport.migrate("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: legacy, namespace: shop}
        spec:
          selector: {matchLabels: {app: legacy}}
          template:
            metadata: {labels: {app: legacy}}
            spec: {containers: [{name: legacy, image: legacy, ports: [{containerPort: 8080}]}]}
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: legacy, namespace: shop}
        spec:
          selector: {matchLabels: {app: legacy}}
          mtls: {mode: STRICT}
          portLevelMtls: {"8080": {mode: DISABLE}}
        """)
        let patch = result.patches.first
        #expect(patch?.target == .podTemplate)
        #expect(patch?.annotations == [TranslationContext.defaultInboundPolicy: "cluster-authenticated", TranslationContext.skipInboundPorts: "8080"])
    }
}
