import Foundation

/// Reads the documents in one source file.
///
/// A file yields its documents and the errors met on the way. A Markdown or text file is one document or one error.
/// A JSONL file is one document per good line, and an error for each bad line, so that a single broken record does
/// not hold back the rest of an export.
public enum DocumentReader {
    /// Changes whenever the same file would be read into different documents (a new field, other Markdown
    /// stripping): an index whose documents were read by another version is rebuilt, since its manifest would
    /// otherwise keep every unchanged file as it was first read.
    ///
    /// 2: YAML 1.2 core typing in front matter, names kept as written.
    /// 3: default ids are paths under the project folder (`IndexPaths.defaultID(for:)`).
    /// 4: text is normalised to NFC.
    /// 5: a NUL character becomes a space (SQLite cut the text there).
    /// 6: HTML nested deeper than 256 levels is read (libxml2 stopped there); a JSONL line with a repeated key, a
    ///    trailing comma or an integer over 64 bits is an error (`JSONParser`), not a document.
    /// 7: the index's own markers (U+E000, U+E001, U+FDD0, U+FDD1) become spaces (`ReservedCharacters`).
    public static let version = 7

    /// What reading one file produced.
    public struct Reading: Sendable {
        public var documents: [Document] = []
        public var errors: [CorpusError] = []
        /// What the user should know but that cost no document: a PDF without a text layer.
        public var warnings: [CorpusError] = []
    }

    /// Reads a file already loaded into memory.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - path: The path shown to users and stored in the index.
    ///   - format: How to read it.
    ///   - defaultID: The id of a Markdown or text document that does not set one.
    public static func read(_ data: Data, path: String, format: DocumentFormat, defaultID: String) -> Reading {
        // JSONL is read line by line, each line checked on its own, as ingest streams it.
        if format == .jsonLines { return DocumentStream.read(data, path: path) }
        // HTML declares its own character set, which libxml2 honours; a PDF is read from its file.
        if format == .html { return HTMLReader.read(data, path: path, defaultID: defaultID) }
        if format == .pdf {
            return Reading(errors: [CorpusError(path: path, message: "a PDF is read from its file, by `PDFReader`")])
        }
        var reading = Reading()
        do {
            let text = try SourceText.decode(data, path: path)
            switch format {
            case .markdown:
                reading.documents = [try markdownDocument(text, path: path, defaultID: defaultID)]
            case .plainText:
                reading.documents = [try plainTextDocument(text, path: path, defaultID: defaultID)]
            case .jsonLines, .pdf, .html:
                break  // read above
            }
        } catch let error as CorpusError {
            reading.errors.append(error)
        } catch {
            reading.errors.append(CorpusError(path: path, message: "\(error)"))
        }
        reading.documents = reading.documents.map(\.normalized)
        return reading
    }

    // MARK: Markdown

    static func markdownDocument(_ text: String, path: String, defaultID: String) throws -> Document {
        let frontMatter = try FrontMatter(parsing: text, path: path)
        var fields = frontMatter.fields
        var body = MarkdownText.plainText(frontMatter.body)
        if fields["title"] == nil, let heading = firstHeading(frontMatter.body) {
            fields["title"] = .string(heading)
        }
        // A first heading that repeats the title is the title: kept in the body, it would open every snippet.
        if let title = fields["title"]?.text, let firstLine = body.split(separator: "\n", maxSplits: 1).first,
            firstLine.trimmingCharacters(in: .whitespaces) == title.trimmingCharacters(in: .whitespaces)
        {
            body = String(body.dropFirst(firstLine.count).drop { $0.isNewline })
        }
        return try document(
            from: &fields, body: body, path: path, line: 1, defaultID: defaultID,
            lineOfField: frontMatter.line(ofKey:))
    }

    /// The text of the first `# Heading`, the title of a Markdown file that has no front matter title.
    private static func firstHeading(_ body: Substring) -> String? {
        for line in body.split(separator: "\n") where line.hasPrefix("# ") {
            let title = MarkdownText.plainText(line).trimmingCharacters(in: .whitespaces)
            if !title.isEmpty { return title }
        }
        return nil
    }

    // MARK: Plain text

    static func plainTextDocument(_ text: String, path: String, defaultID: String) throws -> Document {
        let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let title = lines.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !title.isEmpty else {
            throw CorpusError(path: path, line: 1, message: "missing title: the first line of a .txt file is its title")
        }
        let body = lines.count > 1 ? String(lines[1]).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        return Document(id: defaultID, type: "page", title: title, body: body, path: path)
    }

    // MARK: JSON Lines

    /// The document on one JSONL line (its UTF-8 bytes, without the newline), or `nil` for a blank line. It is not
    /// normalised to NFC yet. The line is read by `JSONParser`'s strict rules.
    ///
    /// - Throws: `CorpusError` naming the line, and for bad JSON what is wrong at which column.
    static func jsonLineDocument(_ line: ArraySlice<UInt8>, path: String, line lineNumber: Int) throws -> Document? {
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return nil }
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch let failure as JSONParser.Failure {
            throw CorpusError(path: path, line: lineNumber, message: failure.description)
        }
        guard case .object(var fields) = value else {
            throw CorpusError(
                path: path, line: lineNumber,
                message: "not a JSON object but \(value.kind); each line must be one object such as {\"id\": …, \"title\": …, \"body\": …}")
        }
        let body = try jsonBody(&fields, path: path, line: lineNumber)
        guard fields["id"]?.text.map({ !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) == true else {
            throw CorpusError(path: path, line: lineNumber, message: "missing \"id\": every JSONL record needs a stable id")
        }
        return try document(
            from: &fields, body: body, path: path, line: lineNumber, defaultID: "", lineOfField: { _ in lineNumber })
    }

    /// The text of a record's `body` (or `text`) field, which must be a string when present.
    private static func jsonBody(_ fields: inout [String: JSONValue], path: String, line: Int) throws -> String {
        let body = fields.removeValue(forKey: "body")
        let text = fields.removeValue(forKey: "text")
        if body != nil && text != nil {
            throw CorpusError(path: path, line: line, message: "both \"body\" and \"text\" are set; keep one of them")
        }
        switch body ?? text {
        case nil, .null?: return ""
        case .string(let value)?: return value
        default:
            throw CorpusError(path: path, line: line, message: "\"\(body != nil ? "body" : "text")\" must be a string")
        }
    }

    // MARK: Fields

    /// Builds a document from its fields, taking out the ones with a column of their own; the rest is metadata.
    static func document(
        from fields: inout [String: JSONValue], body: String, path: String, line: Int, defaultID: String,
        lineOfField: (String) -> Int
    ) throws -> Document {
        func scalar(_ key: String) throws -> String? {
            guard let value = fields.removeValue(forKey: key), value != .null else { return nil }
            switch value {
            case .array, .object:
                throw CorpusError(path: path, line: lineOfField(key), message: "'\(key)' must be a single value, not a list or a mapping")
            default:
                return value.text?.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        func list(_ key: String) throws -> [String] {
            guard let value = fields.removeValue(forKey: key) else { return [] }
            if case .object = value {
                throw CorpusError(path: path, line: lineOfField(key), message: "'\(key)' must be a list of names, not a mapping")
            }
            return value.textList.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        }
        let id = try scalar("id").flatMap { $0.isEmpty ? nil : $0 } ?? defaultID
        guard let title = try scalar("title"), !title.isEmpty else {
            throw CorpusError(path: path, line: lineOfField("title"), message: "missing title: add a 'title' field")
        }
        let type = try scalar("type").flatMap { $0.isEmpty ? nil : $0.lowercased() } ?? "page"
        let aliases = try list("aliases")
        let issues = try list("issues")
        return Document(
            id: id, type: type, title: title, aliases: aliases, issues: issues, body: body, path: path, line: line,
            metadata: fields)
    }
}
