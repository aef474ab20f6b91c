/// Splits a YAML stream into its documents at `---` / `...` markers, keeping each document's
/// first line so errors from the YAML parser can be mapped back to lines of the file. Doing
/// this ourselves means one broken document does not hide the errors of the others.
struct DocumentSplitter {
    struct Document {
        /// Line of the file on which `text`'s first line stands (1-based).
        var firstLine: Int
        var text: Substring
    }

    static func split(_ text: String) -> [Document] {
        var documents: [Document] = []
        var lineNumber = 1
        var start = text.startIndex
        var startLine = 1
        var index = text.startIndex
        var atLineStart = true

        func close(upTo end: String.Index) {
            documents.append(Document(firstLine: startLine, text: text[start..<end]))
        }

        while index < text.endIndex {
            if atLineStart, let markerEnd = documentMarker(in: text, at: index) {
                close(upTo: index)
                // Content after `---` on the same line (`--- {a: 1}`) belongs to the new document.
                start = markerEnd
                startLine = lineNumber
            }
            let c = text[index]
            atLineStart = (c == "\n" || c == "\r\n")
            if atLineStart { lineNumber += 1 }
            index = text.index(after: index)
        }
        close(upTo: text.endIndex)
        return documents
    }

    /// If a document marker stands at `i` (the start of a line), returns where the rest of the
    /// line begins.
    private static func documentMarker(in text: String, at i: String.Index) -> String.Index? {
        for marker in ["---", "..."] {
            guard text[i...].hasPrefix(marker) else { continue }
            let after = text.index(i, offsetBy: 3)
            if after == text.endIndex { return after }
            let next = text[after]
            if next == " " || next == "\t" || next == "\n" || next == "\r\n" || next == "\r" { return after }
        }
        return nil
    }
}
