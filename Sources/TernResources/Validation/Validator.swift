import TernCore

/// Walks a decoded object's semantics, collecting errors with the field path and the line of
/// the offending node (looked up in the raw tree). Models call its helpers from `validate`.
public struct Validator {
    public let file: String
    let root: ManifestNode
    public private(set) var diagnostics: [Diagnostic] = []
    public private(set) var path = FieldPath()

    public init(file: String, root: ManifestNode) {
        self.file = file
        self.root = root
    }

    // MARK: Reporting

    /// Reports `message` at the current path, or at `key` below it.
    public mutating func error(_ message: String, at key: String? = nil) {
        report(.error, message, at: key)
    }

    public mutating func warning(_ message: String, at key: String? = nil) {
        report(.warning, message, at: key)
    }

    private mutating func report(_ severity: Diagnostic.Severity, _ message: String, at key: String?) {
        let target = key.map { path.appending($0) } ?? path
        // A missing field is reported on the line of the key that should hold it.
        let line = root.locate(target).line
        diagnostics.append(Diagnostic(severity: severity, file: file, line: line, path: target, message: message))
    }

    // MARK: Navigation

    /// Runs `body` with the path extended by `key`.
    public mutating func at(_ key: String, _ body: (inout Validator) -> Void) {
        path.components.append(.key(key))
        body(&self)
        path.components.removeLast()
    }

    /// Validates an optional nested value under `key`.
    public mutating func at<T>(_ key: String, _ value: T?, _ body: (inout Validator, T) -> Void) {
        guard let value else { return }
        at(key) { v in body(&v, value) }
    }

    /// Runs `body` for each element of the list at `key`.
    public mutating func each<T>(_ key: String, _ values: [T]?, _ body: (inout Validator, T) -> Void) {
        guard let values else { return }
        path.components.append(.key(key))
        for (i, value) in values.enumerated() {
            path.components.append(.index(i))
            body(&self, value)
            path.components.removeLast()
        }
        path.components.removeLast()
    }

    // MARK: Checks

    /// Reports a missing required field; returns the value for chaining.
    @discardableResult
    public mutating func required<T>(_ value: T?, _ key: String) -> T? {
        if value == nil { error("required field \"\(key)\" is missing", at: key) }
        return value
    }

    /// Reports a required list or string that is present but empty.
    @discardableResult
    public mutating func nonEmpty<C: Collection>(_ value: C?, _ key: String) -> C? {
        guard let value else { return required(value, key) }
        if value.isEmpty { error("must not be empty", at: key) }
        return value
    }

    public mutating func portNumber(_ value: Int?, at key: String) {
        guard let value else { return }
        if !(1...65535).contains(value) { error("expected a port number from 1 to 65535, got \(value)", at: key) }
    }

    public mutating func port(_ value: PortRef?, at key: String) {
        switch value {
        case .number(let n)?: portNumber(n, at: key)
        case .name(let s)?:
            if !KubernetesNames.isValidPortName(s) {
                error("expected a port number or name, got \"\(s)\" (a port name is at most 15 characters of a-z, 0-9 and '-', with at least one letter)", at: key)
            }
        case nil: break
        }
    }

    @discardableResult
    public mutating func duration(_ value: String?, at key: String) -> GoDuration? {
        guard let value else { return nil }
        do {
            return try GoDuration(parsing: value)
        } catch {
            self.error("expected a duration such as 5s, 100ms or 1m30s, got \"\(value)\": \(error)", at: key)
            return nil
        }
    }

    public mutating func weight(_ value: Int?, at key: String) {
        if let value, value < 0 { error("weight must be 0 or more, got \(value)", at: key) }
    }

    public mutating func cidr(_ value: String?, at key: String) {
        guard let value else { return }
        do { _ = try CIDR(parsing: value) } catch { self.error("expected a CIDR such as 10.0.0.0/8, got \"\(value)\": \(error)", at: key) }
    }

    public mutating func regex(_ value: String?, at key: String) {
        guard let value else { return }
        do { _ = try Regex(value) } catch { self.error("regular expression \"\(value)\" does not compile: \(error)", at: key) }
    }

    /// HTTP path match values and rewrites must be absolute.
    public mutating func absolutePath(_ value: String?, at key: String) {
        guard let value else { return }
        if !value.hasPrefix("/") { error("path must start with \"/\", got \"\(value)\"", at: key) }
    }

    public mutating func labels(_ labels: [String: String]?, at key: String) {
        guard let labels else { return }
        at(key) { v in
            for (k, value) in labels.sorted(by: { $0.key < $1.key }) {
                if !KubernetesNames.isQualifiedName(k) { v.error("\"\(k)\" is not a valid label key", at: k) }
                if !KubernetesNames.isLabelValue(value) {
                    v.error("\"\(value)\" is not a valid label value (at most 63 characters of A-Z, a-z, 0-9, '-', '_', '.', alphanumeric at both ends)", at: k)
                }
            }
        }
    }

    public mutating func selector(_ selector: LabelSelector?, at key: String) {
        at(key, selector) { v, s in s.validate(&v) }
    }

    /// Checks that a reference's kind (and group) is one the referring field accepts.
    public mutating func refKind(group: String?, kind: String?, allowed: [(group: String, kind: String)], at key: String, defaultGroup: String = "", defaultKind: String? = nil) {
        let g = group ?? defaultGroup
        guard let k = kind ?? defaultKind else {
            error("\(key).kind is required", at: key)
            return
        }
        let normalizedGroup = g == "core" ? "" : g
        if !allowed.contains(where: { ($0.group == "core" ? "" : $0.group) == normalizedGroup && $0.kind == k }) {
            let names = allowed.map { $0.group.isEmpty || $0.group == "core" ? $0.kind : "\($0.kind).\($0.group)" }.joined(separator: ", ")
            error("cannot refer to \(g.isEmpty ? k : "\(k).\(g)") here; expected one of: \(names)", at: key)
        }
    }

    /// Applies `rule` to a closed set given as strings (for fields kept as String on purpose).
    public mutating func oneOf(_ value: String?, _ accepted: [String], at key: String) {
        guard let value else { return }
        if !accepted.contains(value) {
            error("expected one of \(accepted.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(value)\"", at: key)
        }
    }
}
