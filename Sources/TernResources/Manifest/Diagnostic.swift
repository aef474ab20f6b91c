/// One finding about a manifest: `faces.yaml:12: spec.port: expected a port number or name, got "eighty"`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible, Codable {
    public enum Severity: String, Hashable, Sendable, Codable {
        case error
        case warning
    }

    public var severity: Severity
    public var file: String
    public var line: Int
    public var path: String
    public var message: String

    public init(severity: Severity = .error, file: String, line: Int, path: FieldPath, message: String) {
        self.init(severity: severity, file: file, line: line, path: path.description, message: message)
    }

    public init(severity: Severity = .error, file: String, line: Int, path: String, message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.path = path
        self.message = message
    }

    public var location: SourceLocation { SourceLocation(file: file, line: line) }

    public var description: String {
        let prefix = severity == .warning ? "warning: " : ""
        return path.isEmpty ? "\(location): \(prefix)\(message)" : "\(location): \(prefix)\(path): \(message)"
    }
}

/// Collects diagnostics while a document is decoded; a class because the Codable machinery
/// hands out many short-lived decoders that must all report to one place.
final class DiagnosticSink {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    /// Paths already reported, so an error is not repeated as it unwinds through parents.
    private var reported: Set<String> = []

    init(file: String) { self.file = file }

    func error(_ message: String, line: Int, path: FieldPath) {
        let key = "\(path)|\(message)"
        guard reported.insert(key).inserted else { return }
        diagnostics.append(Diagnostic(file: file, line: line, path: path, message: message))
    }
}
