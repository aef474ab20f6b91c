import FoundationEssentials
import Logging
import TernCore
import TernTLS
import Testing

@testable import TernProxy

/// Decoding `TERN_PROXY_*`: defaults, every variable, and the exact message for each bad value.
@Suite struct ProxyConfigTests {
    @Test func emptyEnvironmentGivesLinkerdDefaults() throws {
        let config = try ProxyConfig(environment: [:])
        #expect(config.identity == nil)
        #expect(config.outboundPort == 4140)
        #expect(config.inboundPort == 4143)
        #expect(config.adminPort == 4191)
        #expect(config.destinationAddress == HostPort(host: "127.0.0.1", port: 8086))
        #expect(config.policyAddress == HostPort(host: "127.0.0.1", port: 8090))
        #expect(config.skipInboundPorts.isEmpty && config.skipOutboundPorts.isEmpty && config.opaquePorts.isEmpty)
        #expect(config.logLevel == .info)
        #expect(config.eventLoopThreads == 1)
        #expect(config.workload == nil)
        #expect(config.destinationServiceName == nil)
        #expect(config.destinationTrustAnchors == nil, "no service name: plaintext discovery")
        #expect(config.shutdownGracePeriod == .seconds(30))
    }

    @Test func everyVariableIsRead() throws {
        let config = try ProxyConfig(environment: [
            "TERN_PROXY_DESTINATION_SVC_ADDR": "tern-dst.tern.svc.cluster.local:8086",
            "TERN_PROXY_POLICY_SVC_ADDR": "[fd00::1]:9090",
            "TERN_PROXY_OUTBOUND_PORT": "14140",
            "TERN_PROXY_INBOUND_PORT": " 14143 ",
            "TERN_PROXY_ADMIN_PORT": "14191",
            "TERN_PROXY_SKIP_INBOUND_PORTS": "22,25",
            "TERN_PROXY_SKIP_OUTBOUND_PORTS": "4000-4100",
            "TERN_PROXY_OPAQUE_PORTS": "3306, 5432,11211",
            "TERN_PROXY_LOG_LEVEL": "WARN",
            "TERN_PROXY_EVENT_LOOP_THREADS": "4",
            "TERN_PROXY_POLICY_WORKLOAD": "emojivoto:web-5f7d9c-abcde",
            "TERN_PROXY_SHUTDOWN_GRACE_PERIOD": "1m30s",
        ])
        #expect(config.destinationAddress == HostPort(host: "tern-dst.tern.svc.cluster.local", port: 8086))
        #expect(config.policyAddress == HostPort(host: "fd00::1", port: 9090))
        #expect(config.policyAddress.description == "[fd00::1]:9090")
        #expect((config.outboundPort, config.inboundPort, config.adminPort) == (14140, 14143, 14191))
        #expect(config.skipInboundPorts == PortSet(ports: [22, 25]))
        #expect(config.skipOutboundPorts == PortSet(ranges: [4000...4100]))
        #expect(config.opaquePorts == PortSet(ports: [3306, 5432, 11211]))
        #expect(config.logLevel == .warning)
        #expect(config.eventLoopThreads == 4)
        #expect(config.workload == WorkloadName(namespace: "emojivoto", pod: "web-5f7d9c-abcde"))
        #expect(config.shutdownGracePeriod == .seconds(90))
    }

    @Test func shutdownGracePeriodTakesGoDurations() throws {
        for (text, expected) in [("500ms", Duration.milliseconds(500)), ("0s", .zero), ("0", .zero), ("2h", .seconds(7200))] {
            let config = try ProxyConfig(environment: ["TERN_PROXY_SHUTDOWN_GRACE_PERIOD": text])
            #expect(config.shutdownGracePeriod == expected, "\(text)")
        }
    }

    @Test func destinationServiceNameMakesDiscoveryTLSWithTheMeshAnchors() throws {
        let files = try IdentityFiles(token: "t")
        defer { files.remove() }
        let plaintext = try ProxyConfig(environment: files.environment)
        #expect(plaintext.destinationServiceName == nil)
        #expect(plaintext.destinationTrustAnchors == nil)

        let name = "tern-destination.tern.serviceaccount.identity.tern.cluster.local"
        let tls = try ProxyConfig(environment: files.environment.merging(["TERN_PROXY_DESTINATION_SVC_NAME": name]) { $1 })
        #expect(tls.destinationServiceName == name)
        #expect(tls.destinationTrustAnchors?.count == 1)
        #expect(tls.destinationTrustAnchors == tls.identity?.trustAnchors)
    }

    @Test func emptyValuesCountAsUnset() throws {
        let config = try ProxyConfig(environment: ["TERN_PROXY_INBOUND_PORT": "", "TERN_PROXY_LOG_LEVEL": "  "])
        #expect(config.inboundPort == 4143)
        #expect(config.logLevel == .info)
    }

    static let invalid: [(String, String, String)] = [
        ("TERN_PROXY_INBOUND_PORT", "x", #"TERN_PROXY_INBOUND_PORT: expected a port number from 1 to 65535, got "x""#),
        ("TERN_PROXY_OUTBOUND_PORT", "0", #"TERN_PROXY_OUTBOUND_PORT: expected a port number from 1 to 65535, got "0""#),
        ("TERN_PROXY_ADMIN_PORT", "65536", #"TERN_PROXY_ADMIN_PORT: expected a port number from 1 to 65535, got "65536""#),
        ("TERN_PROXY_ADMIN_PORT", "+4191", #"TERN_PROXY_ADMIN_PORT: expected a port number from 1 to 65535, got "+4191""#),
        (
            "TERN_PROXY_DESTINATION_SVC_ADDR", "localhost",
            #"TERN_PROXY_DESTINATION_SVC_ADDR: expected host:port such as 127.0.0.1:8086, got "localhost""#
        ),
        (
            "TERN_PROXY_POLICY_SVC_ADDR", "fd00::1:8090",
            #"TERN_PROXY_POLICY_SVC_ADDR: expected host:port such as 127.0.0.1:8090, got "fd00::1:8090""#
        ),
        (
            "TERN_PROXY_POLICY_SVC_ADDR", ":8090",
            #"TERN_PROXY_POLICY_SVC_ADDR: expected host:port such as 127.0.0.1:8090, got ":8090""#
        ),
        (
            "TERN_PROXY_OPAQUE_PORTS", "3306,mysql",
            #"TERN_PROXY_OPAQUE_PORTS: "mysql" is not a port or a port range such as 4000-4100"#
        ),
        (
            "TERN_PROXY_SKIP_INBOUND_PORTS", "100-50",
            #"TERN_PROXY_SKIP_INBOUND_PORTS: "100-50" is not a port or a port range such as 4000-4100"#
        ),
        (
            "TERN_PROXY_SKIP_OUTBOUND_PORTS", "70000",
            #"TERN_PROXY_SKIP_OUTBOUND_PORTS: "70000" is not a port or a port range such as 4000-4100"#
        ),
        (
            "TERN_PROXY_LOG_LEVEL", "loud",
            #"TERN_PROXY_LOG_LEVEL: expected one of trace, debug, info, notice, warning, error, critical, got "loud""#
        ),
        (
            "TERN_PROXY_EVENT_LOOP_THREADS", "0",
            #"TERN_PROXY_EVENT_LOOP_THREADS: expected a number of threads from 1 to 64, got "0""#
        ),
        (
            "TERN_PROXY_EVENT_LOOP_THREADS", "two",
            #"TERN_PROXY_EVENT_LOOP_THREADS: expected a number of threads from 1 to 64, got "two""#
        ),
        ("TERN_PROXY_POLICY_WORKLOAD", "web", #"TERN_PROXY_POLICY_WORKLOAD: expected namespace:pod, got "web""#),
        (
            "TERN_PROXY_POLICY_WORKLOAD", "Prod:web",
            #"TERN_PROXY_POLICY_WORKLOAD: namespace "Prod" must be a DNS-1123 label"#
        ),
        (
            "TERN_PROXY_POLICY_WORKLOAD", "prod:web_1",
            #"TERN_PROXY_POLICY_WORKLOAD: pod name "web_1" must be a DNS-1123 subdomain"#
        ),
        (
            "TERN_PROXY_SHUTDOWN_GRACE_PERIOD", "thirty",
            #"TERN_PROXY_SHUTDOWN_GRACE_PERIOD: expected a duration such as 30s or 1m30s, got "thirty""#
        ),
        (
            "TERN_PROXY_SHUTDOWN_GRACE_PERIOD", "30",
            #"TERN_PROXY_SHUTDOWN_GRACE_PERIOD: expected a duration such as 30s or 1m30s, got "30""#
        ),
        (
            "TERN_PROXY_SHUTDOWN_GRACE_PERIOD", "-5s",
            #"TERN_PROXY_SHUTDOWN_GRACE_PERIOD: expected a duration such as 30s or 1m30s, got "-5s""#
        ),
        (
            "TERN_PROXY_DESTINATION_SVC_NAME", "Tern_Destination",
            #"TERN_PROXY_DESTINATION_SVC_NAME: expected a DNS name such as tern-destination.tern.serviceaccount.identity.tern.cluster.local, got "Tern_Destination""#
        ),
        (
            "TERN_PROXY_DESTINATION_SVC_NAME", "tern-destination.tern.serviceaccount.identity.tern.cluster.local",
            "TERN_PROXY_DESTINATION_SVC_NAME: TLS to the destination service needs the trust anchors: set TERN_PROXY_IDENTITY_LOCAL_NAME and the other identity variables, or unset it for plaintext"
        ),
        (
            "TERN_PROXY_ADMIN_PORT", "4143",
            "TERN_PROXY_ADMIN_PORT: 4143 is also TERN_PROXY_INBOUND_PORT; each listener needs its own port"
        ),
    ]

    @Test(arguments: invalid)
    func invalidValueNamesTheVariable(_ name: String, _ value: String, _ message: String) {
        do {
            _ = try ProxyConfig(environment: [name: value])
            Issue.record("\(name)=\(value) was accepted")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func identityVariablesAreDecodedByTheIdentityConfig() throws {
        let files = try IdentityFiles(token: "token-contents-s3cr3t")
        defer { files.remove() }
        let config = try ProxyConfig(environment: files.environment)
        #expect(config.identity?.identity.dnsName == "web.emojivoto.serviceaccount.identity.tern.cluster.local")
        #expect(config.identity?.serviceHost == "127.0.0.1")
        #expect(config.identity?.servicePort == 8080)
        #expect(config.identity?.tokenFile == files.tokenPath)
        #expect(config.identity?.trustAnchors.count == 1)
    }

    @Test func secretsNeverAppearInErrorsOrStartupLog() throws {
        let secret = "token-contents-s3cr3t"
        let files = try IdentityFiles(token: secret)
        defer { files.remove() }
        let config = try ProxyConfig(environment: files.environment)
        #expect(!"\(config.logMetadata)".contains(secret))
        #expect("\(config.logMetadata)".contains(files.tokenPath))

        var broken = files.environment
        broken["TERN_PROXY_INBOUND_PORT"] = "x"
        broken["TERN_PROXY_IDENTITY_LOCAL_NAME"] = "not an identity"
        for env in [broken, files.environment.merging(["TERN_PROXY_LOG_LEVEL": "loud"]) { $1 }] {
            do {
                _ = try ProxyConfig(environment: env)
                Issue.record("expected an error")
            } catch {
                #expect(!error.description.contains(secret))
            }
        }
    }

    @Test func unknownTernVariablesAreReportedForAWarning() {
        let env = ["TERN_PROXY_INBOUND_PROT": "4143", "TERN_PROXY_ADMIN_PORT": "4191", "HOME": "/root"]
        #expect(ProxyConfig.unrecognizedVariables(in: env) == ["TERN_PROXY_INBOUND_PROT"])
    }

    @Test func documentationTableListsEveryVariable() throws {
        // Tests/TernProxyTests/ProxyConfigTests.swift → the package root.
        let root = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
        let text = try PEMFiles.readText(atPath: root + "/docs/proxy-configuration.md")
        for name in ProxyConfig.allVariableNames {
            #expect(text.contains("| `\(name)` |"), "docs/proxy-configuration.md lacks \(name)")
        }
    }
}

/// A trust-anchor PEM and a token file on disk, as the identity config reads them.
struct IdentityFiles {
    let anchorsPath: String
    let tokenPath: String

    init(token: String) throws {
        let id = UUID().uuidString
        anchorsPath = "/tmp/tern-proxy-tests-\(id)-anchors.pem"
        tokenPath = "/tmp/tern-proxy-tests-\(id)-token"
        let anchor = try PKIGenerator.makeTrustAnchor(trustDomain: "cluster.local")
        try PEMFiles.write(try PEMFiles.pem([anchor.certificate]), toPath: anchorsPath, mode: 0o644)
        try PEMFiles.write(token, toPath: tokenPath, mode: 0o600)
    }

    var environment: [String: String] {
        [
            "TERN_PROXY_IDENTITY_LOCAL_NAME": "web.emojivoto.serviceaccount.identity.tern.cluster.local",
            "TERN_PROXY_IDENTITY_SVC_ADDR": "127.0.0.1:8080",
            "TERN_PROXY_IDENTITY_TOKEN_FILE": tokenPath,
            "TERN_PROXY_IDENTITY_TRUST_ANCHORS_FILE": anchorsPath,
        ]
    }

    func remove() {
        _ = try? FileManager.default.removeItem(atPath: anchorsPath)
        _ = try? FileManager.default.removeItem(atPath: tokenPath)
    }
}
