/// The Faces demo as manifests the local runtime runs (also `examples/demo/faces.yaml`):
/// Services with fixed cluster IPs and Deployments whose `tern.io/command` starts the
/// built-in workloads. Each workload has its own service account, so every hop shows two
/// distinct identities.
public enum FacesManifests {
    public struct Workload: Sendable {
        public var name: String
        public var role: FacesRole
        public var clusterIP: String?
        public var environment: [String: String]
    }

    public static let workloads: [Workload] = [
        Workload(name: "faces-gui", role: .gui, clusterIP: "10.96.20.10", environment: [:]),
        Workload(name: "face", role: .face, clusterIP: "10.96.20.11", environment: [:]),
        Workload(name: "smiley", role: .smiley, clusterIP: "10.96.20.12", environment: [:]),
        Workload(name: "color", role: .color, clusterIP: "10.96.20.13", environment: ["FACES_COLOR": "blue"]),
        Workload(name: "color2", role: .color, clusterIP: "10.96.20.14", environment: ["FACES_COLOR": "green"]),
        Workload(name: "load", role: .load, clusterIP: nil, environment: ["FACES_RPS": "5"]),
    ]

    public static var yaml: String {
        let header = """
            # The Faces demo (seed 000) for the Tern local runtime: `tern demo` runs exactly this, and
            # `tern local up -f examples/demo` does too. Each Deployment's tern.io/command is the local
            # process to run; its proxy comes from the runtime. Generated from FacesManifests.swift.
            apiVersion: v1
            kind: Namespace
            metadata:
              name: faces
              annotations:
                linkerd.io/inject: enabled
            """
        var documents = [header]
        for workload in workloads {
            if let ip = workload.clusterIP { documents.append(service(workload.name, clusterIP: ip)) }
            documents.append(deployment(workload))
        }
        return documents.joined(separator: "\n---\n") + "\n"
    }

    private static func service(_ name: String, clusterIP: String) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: \(name)
          namespace: faces
        spec:
          clusterIP: \(clusterIP)
          selector:
            service: \(name)
          ports:
          - name: http
            port: 80
            targetPort: http
        """
    }

    private static func deployment(_ workload: Workload) -> String {
        let env = workload.environment.sorted { $0.key < $1.key }.map { key, value in
            "\n        - name: \(key)\n          value: \"\(value)\""
        }.joined()
        return """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: \(workload.name)
              namespace: faces
              annotations:
                tern.io/command: tern demo workload \(workload.role.rawValue)
            spec:
              replicas: 1
              selector:
                matchLabels:
                  service: \(workload.name)
              template:
                metadata:
                  labels:
                    service: \(workload.name)
                spec:
                  serviceAccountName: \(workload.name)
                  containers:
                  - name: \(workload.role == .gui ? "faces-gui" : "workload")
                    image: ghcr.io/buoyantio/faces-workload:1.0.0
                    ports:
                    - name: http
                      containerPort: 8000\(env.isEmpty ? "" : "\n        env:" + env)
            """
    }
}
