import Testing
import TernPolicy

@Suite("Request query parameters")
struct RequestQueryTests {
    static func pairs(_ target: String) -> [String] { RequestQuery.parameters(of: target).map { "\($0.0)=\($0.1)" } }

    @Test func parsesAndDecodes() {
        #expect(Self.pairs("/p?a=1&b=x%20y&c=a+b&d") == ["a=1", "b=x y", "c=a b", "d="])
        #expect(Self.pairs("/p?k=v=w") == ["k=v=w"], "only the first = separates")
        #expect(Self.pairs("/p?x=%E2%9C%93") == ["x=✓"])
        #expect(Self.pairs("/p?a=1#frag&b=2") == ["a=1"], "a fragment is not part of the query")
        #expect(Self.pairs("/p") == [])
        #expect(Self.pairs("/p?") == [])
    }

    @Test func malformedEscapesStayLiteral() {
        #expect(Self.pairs("?a=%") == ["a=%"])
        #expect(Self.pairs("?a=%4") == ["a=%4"])
        #expect(Self.pairs("?a=%zz1") == ["a=%zz1"])
        #expect(Self.pairs("?a=%FF%FE") == ["a=%FF%FE"], "bytes that are not UTF-8 keep the raw text")
        #expect(Self.pairs("?&&=&") == ["="])
        #expect(Self.pairs("??a=1") == ["?a=1"])
    }

    @Test func largeQueriesAreLinear() {
        let many = "/p?" + String(repeating: "k=%41&", count: 20_000)
        let parsed = RequestQuery.parameters(of: many)
        #expect(parsed.count == 20_000)
        #expect(parsed.allSatisfy { $0 == ("k", "A") })
    }
}
