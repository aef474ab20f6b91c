import Yams

/// Turns the bytes of a manifest file (YAML, multi-document, or JSON) into position-aware
/// nodes, one per document, or precise errors. Never traps on hostile input: size, nesting and
/// alias expansion are bounded (`ManifestLimits`).
public struct ManifestLoader: Sendable {
    public struct LoadedDocument: Sendable {
        public var node: ManifestNode
        /// Line of the document's first content line in the file.
        public var line: Int
    }

    public struct Result: Sendable {
        public var documents: [LoadedDocument] = []
        public var diagnostics: [Diagnostic] = []
    }

    public var limits: ManifestLimits

    public init(limits: ManifestLimits = .standard) { self.limits = limits }

    public func load(bytes: [UInt8], file: String) -> Result {
        var result = Result()
        func fail(_ line: Int, _ message: String) {
            result.diagnostics.append(Diagnostic(file: file, line: line, path: "", message: message))
        }
        if bytes.count > limits.maxFileBytes {
            fail(0, "file is \(Self.size(bytes.count)); Tern reads manifest files of at most \(Self.size(limits.maxFileBytes))")
            return result
        }
        if let nul = bytes.firstIndex(of: 0) {
            fail(Self.lineOf(offset: nul, in: bytes), "file contains binary data (a NUL byte at offset \(nul)); expected YAML or JSON text")
            return result
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let bad = Self.firstInvalidUTF8(bytes)
            fail(Self.lineOf(offset: bad, in: bytes), "file is not valid UTF-8 text (bad byte at offset \(bad)); expected YAML or JSON")
            return result
        }
        return load(text: text, file: file)
    }

    public func load(text: String, file: String) -> Result {
        var result = Result()
        for doc in DocumentSplitter.split(text) {
            let trimmed = doc.text.drop { $0.isWhitespace }
            if trimmed.isEmpty || Self.onlyCommentsAndDirectives(doc.text) { continue }
            let docLine = doc.firstLine + doc.text.prefix { $0.isNewline }.count
            if doc.text.utf8.count > limits.maxDocumentBytes {
                result.diagnostics.append(Diagnostic(file: file, line: docLine, path: "",
                    message: "document is \(Self.size(doc.text.utf8.count)); Tern accepts objects of at most \(Self.size(limits.maxDocumentBytes)) (Kubernetes stores at most 1.5 MiB)"))
                continue
            }
            if let deep = NestingScanner.firstLineExceeding(limits.maxDepth, in: doc.text) {
                result.diagnostics.append(Diagnostic(file: file, line: doc.firstLine + deep - 1, path: "",
                    message: "nesting deeper than \(limits.maxDepth) levels; this is not a Kubernetes object"))
                continue
            }
            do {
                guard let yamsNode = try Yams.compose(yaml: String(doc.text)) else { continue }
                var converter = NodeConverter(lineOffset: doc.firstLine - 1, maxNodes: limits.maxNodes)
                let node = try converter.convert(yamsNode)
                result.documents.append(LoadedDocument(node: node, line: node.line))
            } catch let error as NodeConverter.TooLarge {
                result.diagnostics.append(Diagnostic(file: file, line: docLine, path: "",
                    message: "document expands to more than \(error.limit) values (aliases repeated too often?)"))
            } catch {
                result.diagnostics.append(Self.diagnostic(for: error, file: file, lineOffset: doc.firstLine - 1, text: doc.text))
            }
        }
        if result.documents.isEmpty && result.diagnostics.isEmpty {
            result.diagnostics.append(Diagnostic(file: file, line: 0, path: "", message: "no objects found (the file is empty or holds only comments)"))
        }
        return result
    }

    static func diagnostic(for error: Error, file: String, lineOffset: Int, text: Substring) -> Diagnostic {
        func make(_ mark: Mark?, _ problem: String, context: String?) -> Diagnostic {
            let line = (mark?.line ?? 1) + lineOffset
            var message = "invalid YAML: \(problem)"
            if let context, !context.isEmpty { message += " (\(context))" }
            if problem.contains("tab") || Self.lineHasTab(text, line: mark?.line) {
                message += "; YAML does not allow tabs for indentation, use spaces"
            }
            return Diagnostic(file: file, line: line, path: "", message: message)
        }
        guard let yamlError = error as? YamlError else {
            return Diagnostic(file: file, line: lineOffset + 1, path: "", message: "invalid YAML: \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _):
            return make(mark, problem, context: context?.text)
        case .parser(let context, let problem, let mark, _):
            return make(mark, problem, context: context?.text)
        case .composer(let context, let problem, let mark, _):
            return make(mark, problem, context: context?.text)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return Diagnostic(file: file, line: context.mark.line + lineOffset, path: "",
                              message: "duplicate key \(keys) in one mapping; each key may appear once")
        case .reader(let problem, let offset, _, _):
            return Diagnostic(file: file, line: lineOffset + 1, path: "",
                              message: "unreadable input: \(problem)\(offset.map { " at offset \($0)" } ?? "")")
        default:
            return Diagnostic(file: file, line: lineOffset + 1, path: "", message: "invalid YAML: \(yamlError)")
        }
    }

    private static func lineHasTab(_ text: Substring, line: Int?) -> Bool {
        guard let line else { return false }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return false }
        return lines[line - 1].prefix { $0 == " " || $0 == "\t" }.contains("\t")
    }

    private static func onlyCommentsAndDirectives(_ text: Substring) -> Bool {
        text.split(whereSeparator: \.isNewline).allSatisfy { line in
            let t = line.drop { $0 == " " || $0 == "\t" }
            return t.isEmpty || t.hasPrefix("#") || t.hasPrefix("%")
        }
    }

    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20 { return "\((Double(bytes) / Double(1 << 20) * 10).rounded() / 10) MiB" }
        if bytes >= 1 << 10 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    static func lineOf(offset: Int, in bytes: [UInt8]) -> Int {
        bytes[..<min(offset, bytes.count)].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    /// Offset of the first byte that does not start a well-formed UTF-8 sequence (for the message).
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            guard length > 0, i + length <= bytes.count else { return i }
            for j in 1..<length where bytes[i + j] & 0xC0 != 0x80 { return i }
            i += length
        }
        return bytes.count
    }
}
