import Foundation
import TernTLS

/// `tern check`'s checks as data: group, description, hint, and a function of the context.
public enum CheckTable {
    /// `tern check`: a running local runtime, from control plane to data plane.
    public static let local: [Check] = [
        Check(.controlPlane, "a local runtime is running", hint: "start one with `tern demo` or `tern local up -f DIR` (or pass --state-dir)") { c in
            guard let record = c.record else { return .failure("no runtime.json in \(c.layout.root)") }
            return .ok("\(record.mode.rawValue) mode, \(record.workloads.count) workloads")
        },
        Check(.controlPlane, "controller is reachable", hint: "see the controller log in the state directory's logs/") { c in
            guard let admin = c.record?.controller.adminURL, c.fetch("\(admin)/live")?.status == 200 else { return .failure("no answer on /live") }
            return .ok(nil)
        },
        Check(.controlPlane, "controller is ready", hint: "the controller is ready once its manifests source has synced; see its log") { c in
            guard let admin = c.record?.controller.adminURL, let response = c.fetch("\(admin)/ready") else { return .failure("no answer on /ready") }
            return response.status == 200 ? .ok(nil) : .failure("/ready answered \(response.status)")
        },
        Check(.identity, "issuer certificate is valid and chains to the trust anchors", hint: "recreate the PKI with `tern identity init`") { c in
            issuerOutcome(c).map { outcome in
                if case .warning = outcome { return .ok("expires within 7 days; see the next check") }
                return outcome
            } ?? .failure("cannot read \(c.layout.identity)/issuer.crt and ca.crt")
        },
        Check(.identity, "issuer certificate does not expire within 7 days", hint: "rotate the issuer: `tern identity init` makes a new one") { c in
            guard let outcome = issuerOutcome(c) else { return .failure("cannot read the issuer certificate") }
            if case .failure = outcome { return .failure("see the previous check") }
            return outcome
        },
        Check(.proxies, "every proxy is ready", hint: "a proxy is ready once it holds a certificate; see logs/<namespace>-<workload>.proxy.log") { c in
            let notReady = (c.record?.workloads ?? []).filter { c.fetch("\($0.placement.adminURL)/ready")?.status != 200 }.map(\.name)
            guard c.record?.workloads.isEmpty == false else { return .failure("no workloads run") }
            return notReady.isEmpty ? .ok(nil) : .failure("not ready: \(notReady.joined(separator: ", "))")
        },
        Check(.proxies, "every proxy holds a valid certificate", hint: "check that the controller's identity server is reachable from the proxies") { c in
            let bad = c.proxyMetrics().compactMap { entry -> String? in
                let outcome = CertificateChecks.proxyCertificate(expiry: entry.samples?.first("control_identity_cert_expiration_timestamp_seconds"), now: c.now)
                if case .failure(let why) = outcome { return "\(entry.workload.name): \(why)" }
                return nil
            }
            return bad.isEmpty ? .ok(nil) : .failure(bad.joined(separator: "; "))
        },
        Check(.proxies, "clocks agree within 60 s", hint: "synchronise the clocks (NTP) of the machines running the controller and the proxies") { c in
            let expiries = c.proxyMetrics().compactMap { $0.samples?.first("control_identity_cert_expiration_timestamp_seconds") }
            return CertificateChecks.clockSkew(leafExpiries: expiries, now: c.now)
        },
        Check(.dataPlane, "meshed workloads talk over mTLS", hint: "no tcp_open_total{tls=\"true\"} yet: send traffic between meshed workloads") { c in
            let total = c.proxyMetrics().reduce(0.0) { $0 + ($1.samples?.sum("tcp_open_total", ["tls": "true"]) ?? 0) }
            return total > 0 ? .ok("\(Int(total)) mTLS connections") : .failure("no mTLS connections seen by any proxy")
        },
        Check(.dataPlane, "the load generator sees at least 99 % success", hint: "see the load generator's /stats lastError and the proxies' logs") { c in
            guard let url = c.record?.workload(named: "load")?.applicationURL else { return .ok("no load generator runs") }
            guard let body = c.fetch("\(url)/stats")?.body, let stats = LoadStats(json: body) else { return .failure("no /stats from \(url)") }
            return loadOutcome(stats)
        },
    ]

    /// `tern check --pre`: can this host run the local runtime?
    public static let pre: [Check] = [
        Check(.host, "Linux with network namespaces", hint: "transparent mode needs Linux; explicit mode works elsewhere") { c in
            c.host.isLinux && c.hasNetworkNamespaces ? .ok(nil) : .warning("explicit mode only")
        },
        Check(.host, "running as root", hint: "run as root for transparent mode; explicit mode needs no privileges") { c in
            c.host.isRoot ? .ok(nil) : .warning("explicit mode only")
        },
        Check(.host, "ip, iptables-restore, iptables-save and setpriv are installed", hint: "apt-get install iproute2 iptables util-linux") { c in
            c.host.missingTools.isEmpty ? .ok(nil) : .warning("missing: \(c.host.missingTools.joined(separator: ", "))")
        },
        Check(.host, "the standard mesh ports are free", hint: "the local runtime picks free ports itself; this matters for a control plane on standard ports") { c in
            let busy = [4140, 4143, 4191, 8080, 8086, 8090, 9990].filter { !c.isPortFree($0) }
            return busy.isEmpty ? .ok(nil) : .warning("in use: \(busy.map(String.init).joined(separator: ", "))")
        },
    ]

    static func issuerOutcome(_ c: CheckContext) -> CheckOutcome? {
        guard let issuerText = c.readFile("\(c.layout.identity)/issuer.crt"), let anchorText = c.readFile(c.layout.trustAnchors),
              let issuer = try? PEMFiles.certificates(pem: issuerText, source: "issuer.crt").first,
              let anchors = try? PEMFiles.certificates(pem: anchorText, source: "ca.crt") else { return nil }
        return CertificateChecks.issuer(issuer, anchors: anchors, now: c.now)
    }

    /// Success judged on the counted (post warm-up) requests.
    public static func loadOutcome(_ stats: LoadStats) -> CheckOutcome {
        guard stats.requests > 0 else { return .failure("no requests counted yet") }
        let rate = Double(stats.successes) / Double(stats.requests)
        let text = "\(stats.successes)/\(stats.requests) = \(String(format: "%.1f", rate * 100)) %"
        return rate >= 0.99 ? .ok(text) : .failure(text)
    }
}

/// The load generator's `/stats` as `tern check` and the tests read it.
public struct LoadStats: Codable, Sendable, Equatable {
    public var requests: Int
    public var successes: Int
    public var failures: Int
    public var colors: [String: Int]
    public var lastError: String?

    public init?(json: String) {
        guard let value = try? JSONDecoder().decode(LoadStats.self, from: Data(json.utf8)) else { return nil }
        self = value
    }
}
