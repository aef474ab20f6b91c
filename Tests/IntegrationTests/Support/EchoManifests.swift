/// The manifests behind Service `echo.test` (cluster IP 10.96.0.50, port 7000) that the proxy
/// tests publish: the Service selects ExternalWorkloads by their `app` label and reaches each
/// on its port named `app`, so workloads on one host can use different application ports.
enum EchoManifests {
    /// One ExternalWorkload: an application port and the proxy in front of it.
    struct Workload {
        var name: String
        var appPort: Int
        var identity: String
        var address = "127.0.0.1"
        /// The proxy's inbound port when it is not the standard 4143 (several proxies on one host).
        var proxyInbound: Int? = nil
        /// Marks the application port opaque, so neither proxy waits for protocol detection.
        var opaque = true
        /// The `app` label the Service selects by; the workload's name when not given.
        var app: String? = nil
    }

    /// Service `echo` selecting the workloads labelled `app: <selected>`, plus `workloads`.
    static func yaml(selecting selected: String, _ workloads: [Workload]) -> String {
        let service = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: test
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: echo
              namespace: test
            spec:
              clusterIP: 10.96.0.50
              selector:
                app: \(selected)
              ports:
                - port: 7000
                  targetPort: app
            """
        return ([service] + workloads.map(yaml)).joined(separator: "\n---\n") + "\n"
    }

    private static func yaml(_ workload: Workload) -> String {
        var annotations: [String] = []
        if let inbound = workload.proxyInbound { annotations.append("config.linkerd.io/proxy-inbound-port: \"\(inbound)\"") }
        if workload.opaque { annotations.append("config.linkerd.io/opaque-ports: \"\(workload.appPort)\"") }
        let annotationBlock = annotations.isEmpty ? "" : "\n  annotations:\n" + annotations.map { "    " + $0 }.joined(separator: "\n")
        return """
            apiVersion: workload.linkerd.io/v1beta1
            kind: ExternalWorkload
            metadata:
              name: \(workload.name)
              namespace: test
              labels:
                app: \(workload.app ?? workload.name)\(annotationBlock)
            spec:
              meshTLS:
                identity: \(workload.identity)
                serverName: \(workload.identity)
              workloadIPs:
                - ip: \(workload.address)
              ports:
                - name: app
                  port: \(workload.appPort)
            """
    }
}
