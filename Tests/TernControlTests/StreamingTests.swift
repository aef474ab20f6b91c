import Testing
@testable import TernControl

@Suite("Streaming", .timeLimit(.minutes(1)))
struct StreamingTests {
    @Test("a watcher gets the current value, then each change once; equal values send nothing")
    func changesOnce() async {
        let hub = WatchHub<String, Int>()
        let watch = hub.watch("svc") { 1 }
        #expect(await watch.next() == 1)
        #expect(hub.publish("svc", 1) == 0)
        #expect(hub.publish("svc", 2) == 1)
        #expect(await watch.next() == 2)
        #expect(hub.publish("other", 5) == 0)
    }

    @Test("a slow watcher is coalesced to the latest value and never blocks a fast one")
    func slowWatcherCoalesces() async {
        let hub = WatchHub<String, Int>()
        let slow = hub.watch("svc") { 0 }
        let fast = hub.watch("svc") { 0 }
        #expect(await fast.next() == 0)
        for v in 1...1000 {
            hub.publish("svc", v)
            #expect(await fast.next() == v)
        }
        // The slow one reads only now: one value, the latest, nothing queued behind it.
        #expect(await slow.next() == 1000)
        #expect(slow.mailbox.coalescedCount == 1000)
    }

    @Test("cancelling a watch removes it; closing ends every stream")
    func cancelAndClose() async {
        let hub = WatchHub<String, Int>()
        let a = hub.watch("a") { 0 }
        let b = hub.watch("b") { 0 }
        #expect(hub.watcherCount == 2)
        a.cancel()
        #expect(hub.watcherCount == 1)
        #expect(hub.watchedKeys == ["b"])
        _ = await b.next()
        hub.closeAll()
        #expect(await b.next() == nil)
    }

    @Test("many concurrent watchers all converge on the last value")
    func concurrentWatchers() async {
        let hub = WatchHub<Int, Int>()
        await withTaskGroup(of: Int?.self) { group in
            let watches = (0..<200).map { i in hub.watch(i % 10) { 0 } }
            for w in watches {
                group.addTask {
                    var last: Int? = nil
                    while let v = await w.next() {
                        last = v
                        if v == 50 { break }
                    }
                    return last
                }
            }
            for v in 1...50 { for k in 0..<10 { hub.publish(k, v) } }
            var results: [Int?] = []
            for await r in group { results.append(r) }
            #expect(results.count == 200)
            #expect(results.allSatisfy { $0 == 50 })
        }
    }
}

@Suite("Streaming cancellation", .timeLimit(.minutes(1)))
struct StreamingCancellationTests {
    @Test("cancelling a reader waiting for a value ends its read with nil")
    func cancelledReader() async {
        let hub = WatchHub<String, Int>()
        let watch = hub.watch("k") { 0 }
        #expect(await watch.next() == 0)
        let reader = Task { await watch.next() }
        reader.cancel()
        #expect(await reader.value == nil)
        #expect(watch.mailbox.isClosed)
    }
}
