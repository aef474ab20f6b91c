import NIOCore
import NIOHPACK
import NIOHTTP1
import Testing

@testable import TernProxy

/// Heads cross between HTTP/1 and HTTP/2 here in both directions; the HTTP/2 side comes from
/// peers and applications, so missing and odd fields must give a clear nil, never a crash or
/// a silently wrong request.
@Suite struct H2HeaderMappingTests {
    @Test func anHTTP1RequestBecomesPseudoHeadersWithConnectionHeadersDropped() {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "web.test:80")
        headers.add(name: "X-Trace", value: "Abc")
        headers.add(name: "Connection", value: "keep-alive")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        headers.add(name: "TE", value: "gzip")
        headers.add(name: "te", value: "trailers")
        let block = H2HeaderMapping.request(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/a?b=1", headers: headers))
        let fields = block.map { "\($0.name)=\($0.value)" }
        #expect(fields == [":method=POST", ":scheme=http", ":authority=web.test:80", ":path=/a?b=1",
                           "x-trace=Abc", "te=trailers"])
    }

    @Test func anHTTP2RequestGetsItsHostFromTheAuthorityAndItsCookiesJoined() throws {
        let block = HPACKHeaders([(":method", "GET"), (":scheme", "http"), (":authority", "web.test"), (":path", "/x"),
                                  ("cookie", "a=1"), ("accept", "*/*"), ("cookie", "b=2")])
        let head = try #require(H2HeaderMapping.requestHead(block))
        #expect(head.method == .GET)
        #expect(head.uri == "/x")
        #expect(head.headers.first(name: "host") == "web.test")
        #expect(head.headers["cookie"] == ["a=1; b=2"])
        #expect(head.headers.first(name: "accept") == "*/*")
        #expect(!head.headers.contains { $0.name.hasPrefix(":") })
    }

    @Test func anExplicitHostWinsOverTheAuthority() throws {
        let block = HPACKHeaders([(":method", "GET"), (":path", "/"), (":authority", "a.test"), ("host", "b.test")])
        let head = try #require(H2HeaderMapping.requestHead(block))
        #expect(head.headers["host"] == ["b.test"])
    }

    @Test func blocksMissingWhatARequestNeedsAreRefused() {
        #expect(H2HeaderMapping.requestHead(HPACKHeaders([(":path", "/")])) == nil)
        #expect(H2HeaderMapping.requestHead(HPACKHeaders([(":method", "GET")])) == nil)
        #expect(H2HeaderMapping.requestHead(HPACKHeaders()) == nil)
    }

    @Test func responseStatusesOutsideTheValidRangeAreRefused() {
        for bad in ["", "abc", "99", "1000", "-200", "2OO", String(repeating: "9", count: 40)] {
            #expect(H2HeaderMapping.responseHead(HPACKHeaders([(":status", bad)])) == nil, "\(bad)")
        }
        #expect(H2HeaderMapping.responseHead(HPACKHeaders([("content-type", "text/plain")])) == nil)
        let head = H2HeaderMapping.responseHead(HPACKHeaders([(":status", "204"), ("x-a", "1")]))
        #expect(head?.status == .noContent)
        #expect(head?.headers["x-a"] == ["1"])
    }

    @Test func trailersAndResponsesKeepOnlyRegularFields() {
        var trailers = HTTPHeaders()
        trailers.add(name: "Grpc-Status", value: "0")
        trailers.add(name: "Keep-Alive", value: "timeout=5")
        #expect(H2HeaderMapping.trailers(trailers).map { $0.name } == ["grpc-status"])
        let response = H2HeaderMapping.response(HTTPResponseHead(version: .http1_1, status: .ok, headers: ["Upgrade": "h2c"]))
        #expect(response.map { "\($0.name)=\($0.value)" } == [":status=200"])
    }
}

/// A request refused unprocessed goes again only with what it sent, and only while that is
/// small and it has not gone too often.
@Suite struct RequestReplayTests {
    @Test func aSmallRequestIsReplayedWithItsBodyAndEnd() throws {
        var replay = RequestReplay()
        replay.sent(ByteBuffer(string: "hello "))
        replay.sent(ByteBuffer(string: "world"))
        let attempt = replay.nextAttempt(ended: true, trailers: ["x-sum": "1"], progress: false)
        let again = try #require(attempt)
        #expect(again.bytes == 11)
        #expect(again.parts.count == 3)
        guard case .end(let trailers) = again.parts.last else { Issue.record("no end"); return }
        #expect(trailers?["x-sum"] == ["1"])
    }

    @Test func aBodyOverTheLimitIsNotReplayed() {
        var replay = RequestReplay()
        replay.sent(ByteBuffer(repeating: 0, count: RequestReplay.maxBytes))
        replay.sent(ByteBuffer(repeating: 0, count: 1))
        let attempt = replay.nextAttempt(ended: true, trailers: nil, progress: true)
        #expect(attempt == nil)
    }

    @Test func replaysRefusedByAConnectionThatServedNothingAreFew() {
        var replay = RequestReplay()
        for _ in 0..<RequestReplay.maxReplays {
            let attempt = replay.nextAttempt(ended: true, trailers: nil, progress: false)
            #expect(attempt != nil)
        }
        let last = replay.nextAttempt(ended: true, trailers: nil, progress: false)
        #expect(last == nil)
    }

    /// A server closing every connection after a few requests refuses a burst round after
    /// round while still serving: those rounds have their own, larger budget, and spending
    /// it does not spend the other.
    @Test func replaysRefusedByServingConnectionsHaveTheirOwnBudget() {
        var replay = RequestReplay()
        for _ in 0..<RequestReplay.maxReplaysWithProgress {
            let attempt = replay.nextAttempt(ended: true, trailers: nil, progress: true)
            #expect(attempt != nil)
        }
        let over = replay.nextAttempt(ended: true, trailers: nil, progress: true)
        #expect(over == nil)
        let other = replay.nextAttempt(ended: true, trailers: nil, progress: false)
        #expect(other != nil)
    }
}
