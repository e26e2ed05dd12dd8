/// The file formats ingest reads, chosen by file extension.
public enum DocumentFormat: String, Sendable, CaseIterable {
    /// Markdown with optional YAML front matter (`.md`, `.markdown`).
    case markdown
    /// Plain text whose first line is the title (`.txt`).
    case plainText
    /// One JSON object per line, `{"id", "title", "body", …}` (`.jsonl`, `.ndjson`).
    case jsonLines

    /// The format for a file name, or `nil` for files that are not documents (images, `issues.yaml`, …).
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: ".") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "md", "markdown": self = .markdown
        case "txt", "text": self = .plainText
        case "jsonl", "ndjson": self = .jsonLines
        default: return nil
        }
    }
}
