import Foundation

/// The groups `tern check` prints, in order.
public enum CheckGroup: String, Codable, Sendable, CaseIterable {
    case host = "host (pre-flight)"
    case controlPlane = "control plane"
    case identity
    case proxies
    case dataPlane = "data plane"
}

/// One check's result. A warning does not fail the run.
public enum CheckOutcome: Sendable, Equatable {
    case ok(String? = nil)
    case warning(String)
    case failure(String)

    public var isFailure: Bool { if case .failure = self { return true } else { return false } }
}

/// A row of the check table: what is checked, what to do when it fails, and how to check it.
public struct Check: Sendable {
    public var group: CheckGroup
    public var description: String
    public var hint: String
    public var evaluate: @Sendable (CheckContext) -> CheckOutcome

    public init(_ group: CheckGroup, _ description: String, hint: String, _ evaluate: @escaping @Sendable (CheckContext) -> CheckOutcome) {
        self.group = group
        self.description = description
        self.hint = hint
        self.evaluate = evaluate
    }
}

/// A check as run: printable as `✔ description` / `‼ description` / `× description` with the
/// hint beneath, or as JSON.
public struct CheckResult: Sendable, Codable, Equatable {
    public var group: CheckGroup
    public var description: String
    public var result: String
    public var detail: String?
    public var hint: String?

    public init(check: Check, outcome: CheckOutcome) {
        group = check.group
        description = check.description
        switch outcome {
        case .ok(let detail): result = "success"; self.detail = detail; hint = nil
        case .warning(let detail): result = "warning"; self.detail = detail; hint = check.hint
        case .failure(let detail): result = "error"; self.detail = detail; hint = check.hint
        }
    }

    public var failed: Bool { result == "error" }
}

/// Runs checks and renders their results.
public enum CheckReport {
    public static func run(_ checks: [Check], context: CheckContext) -> [CheckResult] {
        checks.map { CheckResult(check: $0, outcome: $0.evaluate(context)) }
    }

    public static func text(_ results: [CheckResult]) -> String {
        var out = ""
        for group in CheckGroup.allCases {
            let rows = results.filter { $0.group == group }
            guard !rows.isEmpty else { continue }
            out += "\(group.rawValue)\n\(String(repeating: "-", count: group.rawValue.count))\n"
            for row in rows {
                let mark = row.result == "success" ? "✔" : row.result == "warning" ? "‼" : "×"
                out += "\(mark) \(row.description)\(row.detail.map { " (\($0))" } ?? "")\n"
                if let hint = row.hint { out += "    see: \(hint)\n" }
            }
            out += "\n"
        }
        out += results.contains(where: \.failed) ? "Status check results are ×\n" : "Status check results are ✔\n"
        return out
    }

    public static func json(_ results: [CheckResult]) -> String {
        struct Group: Encodable { var categoryName: String; var checks: [CheckResult] }
        struct Document: Encodable { var success: Bool; var categories: [Group] }
        let document = Document(success: !results.contains(where: \.failed), categories: CheckGroup.allCases.compactMap { group in
            let rows = results.filter { $0.group == group }
            return rows.isEmpty ? nil : Group(categoryName: group.rawValue, checks: rows)
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(document)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
