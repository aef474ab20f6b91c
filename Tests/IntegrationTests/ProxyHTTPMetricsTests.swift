import Foundation
import Testing

/// The golden metrics equal the traffic: request and response counts per status code,
/// classification, gRPC status and tls labels, on both proxies.
@Suite(.serialized) struct ProxyHTTPMetricsTests {
    @Test func countsPerStatusAndClassificationMatchTheTrafficSent() async throws {
        try await HTTPMesh.with { pair in
            // 3 × 200 and 2 × 404 over HTTP/1, 2 × 503 over HTTP/2, a gRPC OK and a gRPC INTERNAL.
            for _ in 0..<3 { #expect(try await pair.curl("/status/200").statusCode == 200) }
            for _ in 0..<2 { #expect(try await pair.curl("/status/404").statusCode == 404) }
            for _ in 0..<2 { #expect(try await pair.curl("/status/503", http2: true).statusCode == 503) }
            // One gRPC message: flag 0, length 3, "abc".
            let message = "@\(FileManager.default.temporaryDirectory.path)/tern-grpc-\(UUID().uuidString)"
            _ = FileManager.default.createFile(atPath: String(message.dropFirst()), contents: Data([0, 0, 0, 0, 3, 97, 98, 99]))
            defer { try? FileManager.default.removeItem(atPath: String(message.dropFirst())) }
            let grpcArgs = ["-X", "POST", "-H", "content-type: application/grpc", "-H", "te: trailers", "--data-binary", message]
            let ok = try await pair.curl("/test.Echo/Unary", http2: true, grpcArgs)
            #expect(ok.statusCode == 200 && ok.body == Data([0, 0, 0, 0, 3, 97, 98, 99]), "\(ok.heads)")
            #expect(ok.heads.contains("grpc-status: 0"), "\(ok.heads)")
            let failed = try await pair.curl("/test.Echo/Fail", http2: true, grpcArgs)
            #expect(failed.heads.contains("grpc-status: 13"), "\(failed.heads)")

            let expected: [(labels: [String: String], count: Double)] = [
                (["status_code": "200", "classification": "success"], 4),  // 3 plain + gRPC OK
                (["status_code": "404", "classification": "success"], 2),
                (["status_code": "503", "classification": "failure"], 2),
                (["grpc_status": "0", "classification": "success"], 1),
                (["grpc_status": "13", "classification": "failure"], 1),
            ]
            let client = pair.clientProxy
            let server = pair.serverProxy
            let outbound = ["direction": "outbound", "tls": "true", "server_id": EchoMesh.serverIdentity, "dst_service": "echo"]
            let inbound = ["direction": "inbound", "tls": "true", "client_id": EchoMesh.clientIdentity]
            try await eventually { try await server.metric("response_total", inbound) == 9 }
            for (proxy, base) in [(client, outbound), (server, inbound)] {
                #expect(try await proxy.metric("request_total", base) == 9)
                #expect(try await proxy.metric("response_total", base) == 9)
                for (labels, count) in expected {
                    let value = try await proxy.metric("response_total", base.merging(labels) { $1 })
                    #expect(value == count, "\(base["direction"]!) \(labels): \(value)")
                }
                #expect(try await proxy.metric("response_latency_ms_count", base) == 9)
            }
            #expect(pair.server.totalRequests == 9)
        }
    }
}
