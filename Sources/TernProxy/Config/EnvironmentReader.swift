import Logging
import TernCore

/// Typed reads of single variables, each failing with `NAME: expected …, got "value"`.
/// Values are echoed because every variable read this way is a public setting, never a secret.
struct EnvironmentReader {
    private let environment: [String: String]

    init(_ environment: [String: String]) {
        self.environment = environment
    }

    /// The value with surrounding whitespace removed; nil when unset or empty.
    func value(_ name: String) -> String? {
        guard let raw = environment[name] else { return nil }
        let trimmed = String(raw.trimmingWhitespace())
        return trimmed.isEmpty ? nil : trimmed
    }

    func port(_ name: String, default fallback: Int) throws(ProxyConfigError) -> Int {
        guard let text = value(name) else { return fallback }
        guard let port = HostPort.port(text[...]) else {
            throw .invalid(name, "expected a port number from 1 to 65535, got \"\(text)\"")
        }
        return port
    }

    func hostPort(_ name: String, default fallback: HostPort) throws(ProxyConfigError) -> HostPort {
        guard let text = value(name) else { return fallback }
        guard let address = HostPort(parsing: text) else {
            throw .invalid(name, "expected host:port such as \(fallback), got \"\(text)\"")
        }
        return address
    }

    func portSet(_ name: String) throws(ProxyConfigError) -> PortSet {
        guard let text = value(name) else { return PortSet(ports: []) }
        switch PortSet.parse(text) {
        case .success(let set): return set
        case .failure(let error): throw .invalid(name, error.description)
        }
    }

    func logLevel(_ name: String, default fallback: Logger.Level) throws(ProxyConfigError) -> Logger.Level {
        guard let text = value(name) else { return fallback }
        guard let level = LogLevelControl.parse(text) else {
            throw .invalid(name, "expected one of \(LogLevelControl.acceptedNames), got \"\(text)\"")
        }
        return level
    }

    func count(_ name: String, of noun: String, in range: ClosedRange<Int>, default fallback: Int) throws(ProxyConfigError) -> Int {
        guard let text = value(name) else { return fallback }
        guard text.count <= 6, text.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(text), range.contains(n) else {
            throw .invalid(name, "expected a number of \(noun) from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return n
    }

    func workload(_ name: String) throws(ProxyConfigError) -> WorkloadName? {
        guard let text = value(name) else { return nil }
        switch WorkloadName.parse(text) {
        case .success(let workload): return workload
        case .failure(let error): throw .invalid(name, error.description)
        }
    }
}
