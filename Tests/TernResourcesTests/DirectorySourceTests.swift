import Foundation
import Testing
@testable import TernResources

@Suite("Directory source")
struct DirectorySourceTests {
    static let service = "apiVersion: v1\nkind: Service\nmetadata: {name: color, namespace: faces}\nspec: {ports: [{port: 80}]}\n"
    static let service2 = "apiVersion: v1\nkind: Service\nmetadata: {name: color, namespace: faces}\nspec: {ports: [{port: 81}]}\n"
    static let broken = "apiVersion: v1\nkind: Service\nmetadata: {name: color, namespace: faces}\nspec: {ports: [{port: eighty}]}\n"

    @Test("tracker: create, modify, broken file keeps old state, delete")
    func trackerLifecycle() throws {
        var tracker = DirectoryTracker()
        var events = tracker.update(changed: [("a.yaml", Array(Self.service.utf8))], removed: [])
        #expect(events.count == 1)
        guard case .applied(let o) = events[0] else { Issue.record("expected apply"); return }
        #expect(o.key.name == "color")

        #expect(tracker.update(changed: [("a.yaml", Array(Self.service.utf8))], removed: []).isEmpty)

        events = tracker.update(changed: [("a.yaml", Array(Self.broken.utf8))], removed: [])
        guard case .rejected(let file, let diagnostics) = try #require(events.first) else { Issue.record("expected rejection"); return }
        #expect(file == "a.yaml")
        #expect(diagnostics.map(\.description) == ["a.yaml:4: spec.ports[0].port: expected a whole number, got \"eighty\""])

        events = tracker.update(changed: [("a.yaml", Array(Self.service2.utf8))], removed: [])
        guard case .applied(let updated) = try #require(events.first) else { Issue.record("expected apply"); return }
        #expect(updated.as(Service.self)?.spec?.ports?.first?.port == 81)

        events = tracker.update(changed: [], removed: ["a.yaml"])
        guard case .deleted(let key) = try #require(events.first) else { Issue.record("expected delete"); return }
        #expect(key.name == "color")
    }

    @Test("tracker: an object defined in two files is rejected; a move between files is not")
    func trackerConflicts() {
        var tracker = DirectoryTracker()
        _ = tracker.update(changed: [("a.yaml", Array(Self.service.utf8))], removed: [])
        let conflict = tracker.update(changed: [("b.yaml", Array(Self.service2.utf8))], removed: [])
        guard case .rejected(_, let d)? = conflict.first else { Issue.record("expected rejection"); return }
        #expect(d.first?.message.contains("already defined in a.yaml") == true)
        let move = tracker.update(changed: [("c.yaml", Array(Self.service2.utf8))], removed: ["a.yaml"])
        #expect(move.count == 2, "\(move)")
    }

    @Test("a real directory: create, modify, break, delete are observed as events", .timeLimit(.minutes(1)))
    func watchesRealDirectory() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tern-dirsource-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/svc.yaml"
        let recorder = EventRecorder()
        let source = DirectorySource(directory: dir, interval: .milliseconds(20))

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await source.run { await recorder.record($0) } }
            try await recorder.waitFor { $0.contains { if case .synced = $0 { true } else { false } } }

            try Self.service.write(toFile: file, atomically: true, encoding: .utf8)
            try await recorder.waitFor { $0.contains { if case .applied(let o) = $0 { o.as(Service.self)?.spec?.ports?.first?.port == 80 } else { false } } }

            try Self.service2.write(toFile: file, atomically: true, encoding: .utf8)
            try await recorder.waitFor { $0.contains { if case .applied(let o) = $0 { o.as(Service.self)?.spec?.ports?.first?.port == 81 } else { false } } }

            try Self.broken.write(toFile: file, atomically: true, encoding: .utf8)
            try await recorder.waitFor { $0.contains { if case .rejected = $0 { true } else { false } } }

            try FileManager.default.removeItem(atPath: file)
            try await recorder.waitFor { $0.contains { if case .deleted(let k) = $0 { k.name == "color" } else { false } } }
            group.cancelAll()
        }
    }
}

/// Collects events from the source and lets a test wait for a condition on them.
actor EventRecorder {
    private(set) var events: [SourceEvent] = []

    func record(_ batch: [SourceEvent]) { events += batch }

    func waitFor(_ condition: @Sendable ([SourceEvent]) -> Bool) async throws {
        for _ in 0..<500 {
            if condition(events) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("condition not met; events so far: \(events.count)")
    }
}

@Suite("Directory source notifications")
struct DirectorySourceNotificationTests {
    /// With the fallback scan 30 s away, seeing the change at all within the wait proves the
    /// source reacted to the file system's notification (Linux), not to its timer.
    @Test("a change is seen without waiting for the next full scan", .enabled(if: FileManager.default.fileExists(atPath: "/proc/sys/fs/inotify")), .timeLimit(.minutes(1)))
    func notificationDriven() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tern-notify-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/nested", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let recorder = EventRecorder()
        let source = DirectorySource(directory: dir, interval: .seconds(30))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await source.run { await recorder.record($0) } }
            try await recorder.waitFor { $0.contains { if case .synced = $0 { true } else { false } } }
            try DirectorySourceTests.service.write(toFile: dir + "/nested/svc.yaml", atomically: true, encoding: .utf8)
            try await recorder.waitFor { $0.contains { if case .applied = $0 { true } else { false } } }
            try FileManager.default.removeItem(atPath: dir + "/nested/svc.yaml")
            try await recorder.waitFor { $0.contains { if case .deleted = $0 { true } else { false } } }
            group.cancelAll()
        }
    }
}
