import TernResources

/// Collects findings and remembers which input fields the translation consumed, so a final
/// coverage pass can report every field nobody looked at (nothing is dropped silently).
struct FindingLog {
    private(set) var findings: [Finding] = []
    /// Per object: paths (and their subtrees) that were carried over or reported.
    private var covered: [ObjectRef: Set<FieldPath>] = [:]
    private var seen: Set<String> = []

    /// Marks `path` (and everything below it) as translated verbatim.
    mutating func consume(_ object: ObjectRef, _ path: FieldPath) {
        covered[object, default: []].insert(path)
    }

    mutating func report(_ severity: Finding.Severity, _ object: ObjectRef, _ path: FieldPath, why: String, action: String) {
        covered[object, default: []].insert(path)
        let key = "\(object.description)|\(path)|\(why)"
        guard seen.insert(key).inserted else { return }
        findings.append(Finding(severity: severity, object: object.description, location: object.location(of: path),
                                field: path.description, why: why, action: action))
    }

    mutating func info(_ object: ObjectRef, _ path: FieldPath, _ why: String, action: String = "Nothing to do.") {
        report(.info, object, path, why: why, action: action)
    }

    mutating func change(_ object: ObjectRef, _ path: FieldPath, _ why: String, action: String) {
        report(.behaviourChange, object, path, why: why, action: action)
    }

    mutating func security(_ object: ObjectRef, _ path: FieldPath, _ why: String, action: String) {
        report(.securityRelevant, object, path, why: why, action: action)
    }

    /// Reports every leaf of `object`'s spec that was neither consumed nor reported.
    mutating func reportUncovered(_ object: ObjectRef) {
        let paths = covered[object] ?? []
        var leftovers: [FieldPath] = []
        Self.walk(object.raw, FieldPath(), into: &leftovers) { path in
            guard let first = path.components.first, case .key(let k) = first else { return true }
            // Identity and bookkeeping are not configuration.
            if ["apiVersion", "kind", "metadata", "status"].contains(k) { return true }
            return paths.contains { $0.isPrefix(of: path) }
        }
        for path in leftovers {
            change(object, path, "Tern's migration does not know this field, so it was not carried over.",
                   action: "Check whether the setting matters; if it does, configure the Tern equivalent by hand.")
        }
    }

    /// Collects the shallowest paths under `node` not covered; a covered subtree stops the walk.
    private static func walk(_ node: ManifestNode, _ path: FieldPath, into out: inout [FieldPath], covered: (FieldPath) -> Bool) {
        if !path.isEmpty && covered(path) { return }
        switch node.value {
        case .mapping(let entries):
            if entries.isEmpty && !path.isEmpty { out.append(path) }
            for e in entries { walk(e.value, path.appending(e.key), into: &out, covered: covered) }
        case .sequence(let items):
            if items.isEmpty { out.append(path) }
            for (i, item) in items.enumerated() { walk(item, path.appending(i), into: &out, covered: covered) }
        case .scalar:
            if !path.isEmpty { out.append(path) }
        }
    }
}

extension FieldPath {
    func isPrefix(of other: FieldPath) -> Bool {
        components.count <= other.components.count && Array(other.components.prefix(components.count)) == components
    }

    static func spec(_ keys: String...) -> FieldPath {
        FieldPath([.key("spec")] + keys.map { .key($0) })
    }

    func key(_ k: String) -> FieldPath { appending(k) }
    func index(_ i: Int) -> FieldPath { appending(i) }
}
