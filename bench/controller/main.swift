import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import TernAPI
import TernPolicy

// Control-plane benchmark: a real tern-controller process over a directory of generated
// manifests, many destination watchers over TLS, and timed single-file changes.
// Usage: tern-bench-controller BIN_DIR SERVICES PODS_PER_SERVICE WATCHERS ROUNDS

let args = CommandLine.arguments
guard args.count == 6, let services = Int(args[2]), let podsPer = Int(args[3]), let watchers = Int(args[4]), let rounds = Int(args[5]) else {
    FileHandle.standardError.write(Data("usage: tern-bench-controller BIN_DIR SERVICES PODS_PER_SERVICE WATCHERS ROUNDS\n".utf8))
    exit(2)
}
let bin = args[1]
let work = FileManager.default.temporaryDirectory.appendingPathComponent("tern-bench-controller-\(getpid())").path
try FileManager.default.createDirectory(atPath: work + "/state", withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: work) }

func run(_ path: String, _ arguments: [String]) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = arguments
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw BenchError("\(path) failed") }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// One file per service: the Service and its pods (namespaces of 50 services each).
func manifest(service i: Int, pods: Int) -> String {
    let ns = "ns\(i / 50)"
    var out = "apiVersion: v1\nkind: Service\nmetadata: {name: svc\(i), namespace: \(ns)}\nspec: {selector: {app: svc\(i)}, ports: [{name: http, port: 80, targetPort: 8080}]}\n"
    for p in 0..<pods {
        let ip = "10.\(i / 250).\(i % 250).\(p + 1)"
        out += "---\napiVersion: v1\nkind: Pod\nmetadata: {name: svc\(i)-\(p), namespace: \(ns), labels: {app: svc\(i)}}\nspec: {serviceAccountName: svc\(i), containers: [{name: app}]}\nstatus: {phase: Running, podIP: \(ip)}\n"
    }
    return out
}

func procStat(_ pid: Int32) -> (cpuSeconds: Double, rssMB: Double) {
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    let cpu = fields.count > 13 ? (Double(fields[11])! + Double(fields[12])!) / ticks : 0
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let rssKB = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }?.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
    return (cpu, rssKB / 1024)
}

try run(bin + "/tern", ["identity", "init", "--trust-domain", "cluster.local", "--out", work + "/id"])
for i in 0..<services {
    try manifest(service: i, pods: podsPer).write(toFile: work + "/state/svc\(i).yaml", atomically: true, encoding: .utf8)
}

let port = 28000 + Int(getpid() % 1000)
let controller = Process()
controller.executableURL = URL(fileURLWithPath: bin + "/tern-controller")
controller.arguments = ["--identity-dir", work + "/id", "--source", "dir:" + work + "/state", "--serve", "destination",
                        "--api-host", "127.0.0.1", "--destination-port", "\(port)", "--admin-host", "127.0.0.1", "--admin-port", "\(port + 1)"]
controller.standardError = FileHandle.nullDevice
let started = Date()
try controller.run()
defer { controller.terminate() }

let anchors = try String(contentsOfFile: work + "/id/ca.crt", encoding: .utf8)
var config = HTTP2ClientTransport.Posix.Config.defaults
config.http2.authority = "tern-destination.tern.serviceaccount.identity.tern.cluster.local"
let security = HTTP2ClientTransport.Posix.TransportSecurity.tls(.init(
    certificateChain: [], privateKey: nil, serverCertificateVerification: .fullVerification,
    trustRoots: .certificates([.bytes(Array(anchors.utf8), format: .pem)])))

/// What each watcher has seen: endpoint count per watcher, updated as messages arrive.
actor Board {
    var counts: [Int]
    var firstSeen: [Date?]
    init(_ n: Int) { counts = Array(repeating: 0, count: n); firstSeen = Array(repeating: nil, count: n) }
    func set(_ i: Int, _ c: Int) { counts[i] = c; if firstSeen[i] == nil { firstSeen[i] = Date() } }
    func all(_ indices: [Int], equal c: Int) -> Bool { indices.allSatisfy { counts[$0] == c } }
    func ready() -> Bool { firstSeen.allSatisfy { $0 != nil } }
}
let board = Board(watchers)
let clientCount = 10

func waitUntil(_ timeout: Double, _ condition: @Sendable () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return false
}

try await withThrowingTaskGroup(of: Void.self) { group in
    var clients: [GRPCClient<HTTP2ClientTransport.Posix>] = []
    for _ in 0..<clientCount {
        let transport = try HTTP2ClientTransport.Posix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: security, config: config)
        let client = GRPCClient(transport: transport)
        clients.append(client)
        group.addTask { try await client.runConnections() }
    }
    // Wait for the controller to listen and load.
    let probe = clients[0]
    _ = await waitUntil(60) {
        (try? await Tern_Destination_V1_Destination.Client(wrapping: probe).get(.with { $0.path = "svc0.ns0.svc.cluster.local:80" }) { r in
            for try await m in r.messages { if case .add(let s)? = m.update { return s.addrs.count == podsPer } else { return false } }
            return false
        }) ?? false
    }
    let loaded = Date().timeIntervalSince(started)
    for w in 0..<watchers {
        let client = clients[w % clientCount]
        let service = w % services
        group.addTask {
            try await Tern_Destination_V1_Destination.Client(wrapping: client).get(.with { $0.path = "svc\(service).ns\(service / 50).svc.cluster.local:80" }) { r in
                var view = EndpointSet(exists: false)
                for try await m in r.messages {
                    if let u = try m.domain() { view.apply(u) }
                    await board.set(w, view.endpoints.count)
                }
            }
        }
    }
    guard await waitUntil(120, { await board.ready() }) else { throw BenchError("watchers did not all receive their first update") }
    let (cpu0, rssLoaded) = procStat(controller.processIdentifier)
    var latencies: [Double] = []
    for round in 0..<rounds {
        let service = (round * 37) % services
        let affected = stride(from: service, to: watchers, by: services).map { $0 }
        // Even rounds add a pod, odd rounds take it away again.
        let count = round % 2 == 0 ? podsPer + 1 : podsPer
        let text = manifest(service: service, pods: count)
        let t0 = Date()
        try text.write(toFile: work + "/state/svc\(service).yaml", atomically: true, encoding: .utf8)
        guard await waitUntil(10, { await board.all(affected, equal: count) }) else { throw BenchError("round \(round): watchers of svc\(service) never saw \(count) endpoints") }
        latencies.append(Date().timeIntervalSince(t0) * 1000)
        // Let the next scan start clean so rounds do not overlap.
        try await Task.sleep(for: .milliseconds(100))
    }
    let (cpu1, rssAfter) = procStat(controller.processIdentifier)
    latencies.sort()
    let p50 = latencies[latencies.count / 2], p90 = latencies[min(latencies.count - 1, latencies.count * 9 / 10)], worst = latencies.last!
    print("controller benchmark: \(services) services, \(services * podsPer) endpoints, \(watchers) watchers over \(clientCount) TLS connections, \(rounds) changes")
    print(String(format: "  initial load (start → first full answer): %.2f s", loaded))
    print(String(format: "  change → last affected watcher: p50 %.1f ms, p90 %.1f ms, max %.1f ms (target < 100 ms)", p50, p90, worst))
    print(String(format: "  controller RSS: %.1f MB loaded with watchers, %.1f MB after changes (target < 200 MB)", rssLoaded, rssAfter))
    print(String(format: "  controller CPU per change: %.1f ms (includes the directory scans between changes)", (cpu1 - cpu0) * 1000 / Double(rounds)))
    for c in clients { c.beginGracefulShutdown() }
    group.cancelAll()
}
