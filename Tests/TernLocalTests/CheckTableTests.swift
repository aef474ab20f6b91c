import Foundation
import Testing
import TernLocal

/// `tern check`'s table judged against fixed answers: what passes, what fails and why.
struct CheckTableTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func record() -> RuntimeRecord {
        let placement = Placement(address: "127.0.0.1", applicationPorts: [8000: 9000], outboundPort: 9001, inboundPort: 9002, adminPort: 9003)
        return RuntimeRecord(
            mode: .explicit, modeReason: "test", supervisorPID: 1, stateDirectory: "/s", ephemeral: true,
            controller: .init(pid: 2, adminURL: "http://127.0.0.1:9990", identityAddress: "", destinationAddress: "", policyAddress: ""),
            workloads: [.init(namespace: "faces", name: "load", identity: "load", placement: placement, applicationPID: 3, proxyPID: 4,
                              restarts: 0, applicationURL: "http://127.0.0.1:9000")],
            skipped: [], bridge: nil, subnet: nil, networkNamespaces: [], startedAt: now)
    }

    static func context(record: RuntimeRecord? = record(), answers: [String: (Int, String)]) -> CheckContext {
        CheckContext(now: now, layout: StateLayout(root: "/s"), record: record,
                     fetch: { url in answers[url].map { BlockingHTTP.Response(status: $0.0, headers: [:], body: $0.1) } },
                     readFile: { _ in nil }, host: HostCapabilities(isLinux: true, isRoot: true, missingTools: []),
                     isPortFree: { $0 != 4191 }, hasNetworkNamespaces: true)
    }

    static let healthyMetrics = """
        # TYPE control_identity_cert_expiration_timestamp_seconds gauge
        control_identity_cert_expiration_timestamp_seconds \(Int(now.timeIntervalSince1970) + 86000)
        tcp_open_total{direction="outbound",tls="true",server_id="face"} 12
        """

    static let healthy: [String: (Int, String)] = [
        "http://127.0.0.1:9990/live": (200, "live"), "http://127.0.0.1:9990/ready": (200, "ready"),
        "http://127.0.0.1:9003/ready": (200, "ready"), "http://127.0.0.1:9003/metrics": (200, healthyMetrics),
        "http://127.0.0.1:9000/stats": (200, #"{"requests":100,"successes":100,"failures":0,"colors":{"blue":100}}"#),
    ]

    func outcome(_ description: String, _ context: CheckContext) -> CheckResult? {
        CheckReport.run(CheckTable.local, context: context).first { $0.description == description }
    }

    @Test func healthyRuntimePassesEverythingButTheUnreadableIssuer() {
        let results = CheckReport.run(CheckTable.local, context: Self.context(answers: Self.healthy))
        let failed = results.filter(\.failed).map(\.description)
        // readFile answers nothing here, so only the identity checks fail.
        #expect(failed == ["issuer certificate is valid and chains to the trust anchors", "issuer certificate does not expire within 7 days"])
        #expect(results.first { $0.description == "meshed workloads talk over mTLS" }?.detail == "12 mTLS connections")
        #expect(CheckReport.text(results).contains("× issuer certificate is valid"))
        #expect(CheckReport.text(results).hasSuffix("Status check results are ×\n"))
    }

    @Test func controllerDownAndNoMTLSFailWithHints() {
        var answers = Self.healthy
        answers["http://127.0.0.1:9990/live"] = nil
        answers["http://127.0.0.1:9990/ready"] = (503, "not ready")
        answers["http://127.0.0.1:9003/metrics"] = (200, "tcp_open_total{tls=\"no_identity\"} 5\n")
        let context = Self.context(answers: answers)
        #expect(outcome("controller is reachable", context)?.failed == true)
        #expect(outcome("controller is ready", context)?.detail == "/ready answered 503")
        let mtls = outcome("meshed workloads talk over mTLS", context)
        #expect(mtls?.failed == true)
        #expect(mtls?.hint?.contains("tls=\"true\"") == true)
        #expect(outcome("every proxy holds a valid certificate", context)?.failed == true)
    }

    @Test func noRuntimeFailsFirstCheck() {
        let context = Self.context(record: nil, answers: [:])
        #expect(outcome("a local runtime is running", context)?.failed == true)
        #expect(outcome("every proxy is ready", context)?.detail == "no workloads run")
    }

    @Test func loadSuccessThreshold() {
        func stats(_ ok: Int, _ total: Int) -> LoadStats {
            LoadStats(json: #"{"requests":\#(total),"successes":\#(ok),"failures":\#(total - ok),"colors":{}}"#)!
        }
        #expect(CheckTable.loadOutcome(stats(99, 100)) == .ok("99/100 = 99.0 %"))
        #expect(CheckTable.loadOutcome(stats(98, 100)).isFailure)
        #expect(CheckTable.loadOutcome(stats(0, 0)).isFailure)
        #expect(LoadStats(json: "{not json") == nil)
    }

    @Test func certificateAndClockJudgements() {
        let now = Self.now.timeIntervalSince1970
        #expect(CertificateChecks.proxyCertificate(expiry: nil, now: Self.now).isFailure)
        #expect(CertificateChecks.proxyCertificate(expiry: now - 1, now: Self.now).isFailure)
        #expect(CertificateChecks.proxyCertificate(expiry: now + 3600, now: Self.now) == .ok(nil))
        #expect(CertificateChecks.clockSkew(leafExpiries: [now + 86400], now: Self.now) == .ok(nil))
        #expect(CertificateChecks.clockSkew(leafExpiries: [now + 86400 + 600], now: Self.now).isFailure)
    }

    @Test func preflightWarnsWithoutFailing() {
        let results = CheckReport.run(CheckTable.pre, context: Self.context(answers: [:]))
        let anyFailed = results.contains { $0.failed }
        #expect(!anyFailed)
        #expect(results.first { $0.description == "the standard mesh ports are free" }?.result == "warning")
        #expect(CheckReport.json(results).contains("\"success\" : true"))
    }

    @Test func prometheusParsingSurvivesHostileInput() {
        let samples = PrometheusSample.parse("""
            # HELP x y
            a_total{k="v",q="with \\"quote\\" and , comma"} 3
            b 4.5
            broken{k="v" 1
            c{k="unterminated} 2
            d{k=v} 2
            {} 1
            e NaNx
            f{k="v"} +Inf
            \u{0}\u{1}
            """)
        #expect(samples.map(\.name) == ["a_total", "b", "f"])
        #expect(samples.first?.labels["q"] == "with \"quote\" and , comma")
        #expect(samples.sum("a_total", ["k": "v"]) == 3)
        #expect(PrometheusSample.parse(String(repeating: "{", count: 10_000)).isEmpty)
    }
}
