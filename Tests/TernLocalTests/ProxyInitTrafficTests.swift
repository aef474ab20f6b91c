import Foundation
import Glibc
import Testing

/// Checks what the installed rules do to real connections: a "pod" namespace wired by a veth
/// pair to a "client" namespace, listeners standing in for the proxy on 4143 and 4140, and
/// `SO_ORIGINAL_DST` showing the destination each redirected connection was headed for.
@Suite(.enabled(if: NetworkNamespace.available, NetworkNamespace.unavailableReason), .serialized)
struct ProxyInitTrafficTests {
    /// pod 10.200.0.1 ⟷ client 10.200.0.2, proxy-init installed in the pod with default flags.
    static func withPod(_ body: (_ pod: NetworkNamespace, _ client: NetworkNamespace) throws -> Void) throws {
        try NetworkNamespace.with { pod in
            try NetworkNamespace.with { client in
                try pod.ip(["-n", pod.name, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1", "netns", client.name])
                try pod.ip(["-n", pod.name, "addr", "add", "10.200.0.1/24", "dev", "veth0"])
                try pod.ip(["-n", client.name, "addr", "add", "10.200.0.2/24", "dev", "veth1"])
                for (ns, device) in [(pod, "veth0"), (pod, "lo"), (client, "veth1"), (client, "lo")] {
                    try pod.ip(["-n", ns.name, "link", "set", device, "up"])
                }
                let installed = try TernProcess.run(["proxy-init", "--netns", pod.name])
                try #require(installed.status == 0, "\(installed.stderr)")
                try body(pod, client)
            }
        }
    }

    @Test func inboundConnectionsReachTheInboundPortExceptSkippedPorts() throws {
        try Self.withPod { pod, client in
            let proxy = try NamespaceSocket.tcp(in: pod.name)
            defer { close(proxy) }
            try NamespaceSocket.listen(proxy, port: 4143)

            let caller = try NamespaceSocket.tcp(in: client.name)
            defer { close(caller) }
            #expect(try NamespaceSocket.connect(caller, to: "10.200.0.1", port: 8080) == 0)
            #expect(try NamespaceSocket.acceptOriginalDestination(proxy) == "10.200.0.1:8080")

            // 4191 (admin) is skipped: nothing listens there, so the pod refuses instead of redirecting.
            let admin = try NamespaceSocket.tcp(in: client.name)
            defer { close(admin) }
            #expect(try NamespaceSocket.connect(admin, to: "10.200.0.1", port: 4191) == ECONNREFUSED)
        }
    }

    @Test func outboundConnectionsReachTheOutboundPortExceptLoopback() throws {
        try Self.withPod { pod, _ in
            let proxy = try NamespaceSocket.tcp(in: pod.name)
            defer { close(proxy) }
            try NamespaceSocket.listen(proxy, port: 4140)

            let app = try NamespaceSocket.tcp(in: pod.name)
            defer { close(app) }
            #expect(try NamespaceSocket.connect(app, to: "10.200.0.2", port: 9090) == 0)
            #expect(try NamespaceSocket.acceptOriginalDestination(proxy) == "10.200.0.2:9090")

            let local = try NamespaceSocket.tcp(in: pod.name)
            defer { close(local) }
            #expect(try NamespaceSocket.connect(local, to: "127.0.0.1", port: 9090) == ECONNREFUSED)
        }
    }
}
