import TernResources

/// Renders a migration's findings (and the patches to run) as text, JSON or Markdown.
public enum FindingsReport {
    public enum Format: String, Sendable, CaseIterable {
        case text
        case json
        case markdown
    }

    public static func render(_ result: MigrationResult, format: Format) -> String {
        switch format {
        case .text: return text(result)
        case .json: return json(result)
        case .markdown: return markdown(result)
        }
    }

    static func summary(_ result: MigrationResult) -> String {
        let counts = Finding.Severity.allCases.map { "\(result.count($0)) \($0.rawValue)" }.joined(separator: ", ")
        return "\(result.manifests.count) manifests, \(result.patches.count) patches; findings: \(counts)"
    }

    static func text(_ result: MigrationResult) -> String {
        var out = ""
        for f in result.findings {
            out += "\(f.location): \(f.severity.rawValue): \(f.object): \(f.field): \(f.why)\n"
            out += "    → \(f.action)\n"
        }
        if !result.patches.isEmpty {
            out += "\nRun these to annotate existing objects:\n"
            for p in result.patches { out += "  # \(p.source)\n  \(p.command)\n" }
        }
        out += "\n" + summary(result) + "\n"
        return out
    }

    static func markdown(_ result: MigrationResult) -> String {
        var out = "# Istio migration findings\n\n\(summary(result))\n\n"
        if !result.findings.isEmpty {
            out += "| Severity | Object | Field | Why | What to do |\n|---|---|---|---|---|\n"
            for f in result.findings {
                out += "| \(f.severity.rawValue) | \(cell(f.object)) (`\(f.location)`) | `\(f.field)` | \(cell(f.why)) | \(cell(f.action)) |\n"
            }
        }
        if !result.patches.isEmpty {
            out += "\n## Patches\n\n```sh\n"
            for p in result.patches { out += "# \(p.source)\n\(p.command)\n" }
            out += "```\n"
        }
        return out
    }

    private static func cell(_ s: String) -> String {
        s.replacingOccurrences("|", "\\|").replacingOccurrences("\n", " ")
    }

    static func json(_ result: MigrationResult) -> String {
        func str(_ s: String) -> ManifestNode { .string(s) }
        func map(_ pairs: [(String, ManifestNode)]) -> ManifestNode {
            ManifestNode(.mapping(pairs.map { ManifestNode.Entry(key: $0.0, keyLine: 0, value: $0.1) }))
        }
        let findings = result.findings.map { f in
            map([("severity", str(f.severity.rawValue)), ("object", str(f.object)), ("location", str(f.location)),
                 ("field", str(f.field)), ("why", str(f.why)), ("action", str(f.action))])
        }
        let patches = result.patches.map { p in
            map([("kind", str(p.kind)), ("namespace", str(p.namespace)), ("name", str(p.name)), ("target", str(p.target.rawValue)),
                 ("annotations", map(p.annotations.sorted { $0.key < $1.key }.map { ($0.key, str($0.value)) })),
                 ("source", str(p.source)), ("command", str(p.command))])
        }
        let counts = map(Finding.Severity.allCases.map { ($0.rawValue, ManifestNode(.scalar("\(result.count($0))", .int))) })
        let root = map([("manifests", ManifestNode(.scalar("\(result.manifests.count)", .int))), ("counts", counts),
                        ("exitCode", ManifestNode(.scalar("\(result.exitCode)", .int))),
                        ("findings", ManifestNode(.sequence(findings))), ("patches", ManifestNode(.sequence(patches)))])
        return JSONText.write(root) + "\n"
    }
}
