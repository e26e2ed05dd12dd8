/// The file formats ingest reads, chosen by file extension.
public enum DocumentFormat: String, Sendable, CaseIterable {
    /// Markdown with optional YAML front matter (`.md`, `.markdown`).
    case markdown
    /// Plain text whose first line is the title (`.txt`).
    case plainText
    /// One JSON object per line, `{"id", "title", "body", …}` (`.jsonl`, `.ndjson`).
    case jsonLines
    /// A PDF file, read page by page by poppler's `pdftotext` (`.pdf`).
    case pdf
    /// A saved web page, read by libxml2's HTML parser (`.html`, `.htm`).
    case html

    /// Whether a YAML file with the same stem (`report.pdf` + `report.yaml`) adds to the file's own metadata.
    public var takesSidecar: Bool { self == .pdf || self == .html }

    /// The format for a file name, or `nil` for files that are not documents (images, `issues.yaml`, …).
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: ".") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "md", "markdown": self = .markdown
        case "txt", "text": self = .plainText
        case "jsonl", "ndjson": self = .jsonLines
        case "pdf": self = .pdf
        case "html", "htm": self = .html
        default: return nil
        }
    }
}
