import Foundation

/// One searchable document, as read from a Markdown file, a plain-text file or one line of a JSONL file.
///
/// The index stores `title`, `aliases`, `issues` and `body` in the FTS5 table. `body` is the text with Markdown
/// syntax stripped: it is what is tokenised and what snippets are cut from. The original stays in the source file,
/// named by `path` (and `line`, for a JSONL record).
public struct Document: Sendable, Hashable {
    /// The document's stable identifier: the `id` it was given, or one derived from its path.
    public var id: String
    /// `organisation`, `publication`, `programme`, `page`, or whatever the source says.
    public var type: String
    public var title: String
    /// Other names: an acronym, the name in the group's own language.
    public var aliases: [String]
    /// Issue tags from the corpus's controlled list.
    public var issues: [String]
    /// The plain text that is indexed.
    public var body: String
    /// The source file.
    public var path: String
    /// The 1-based line the document starts on (a JSONL record's line; 1 for whole files).
    public var line: Int
    /// Every other field: `country`, `languages`, `year`, `source`, and anything a researcher adds.
    public var metadata: [String: JSONValue]
    /// Where each page starts in `body`, in Unicode scalars (page 1 at 0), for a document read from a PDF; empty
    /// for a document without pages.
    public var pageStarts: [Int]

    public init(
        id: String, type: String, title: String, aliases: [String] = [], issues: [String] = [], body: String,
        path: String, line: Int = 1, metadata: [String: JSONValue] = [:], pageStarts: [Int] = []
    ) {
        self.id = id
        self.type = type
        self.title = title
        self.aliases = aliases
        self.issues = issues
        self.body = body
        self.path = path
        self.line = line
        self.metadata = metadata
        self.pageStarts = pageStarts
    }

    /// The document with its text in Unicode NFC, as it is indexed: `é` typed as `e` + U+0301 and `é` typed as
    /// one code point are then the same text, in the index and in what the reader sees.
    public var normalized: Document {
        var copy = self
        copy.id = id.nfc
        copy.title = title.nfc
        copy.aliases = aliases.map(\.nfc)
        copy.issues = issues.map(\.nfc)
        copy.body = body.nfc
        copy.metadata = metadata.mapValues(\.nfc)
        return copy
    }

    /// A fingerprint of everything that is stored for the document, so that ingest can tell an unchanged document
    /// from a changed one without comparing texts.
    public var contentHash: String {
        contentHash(metadataJSON: metadataJSON)
    }

    /// `contentHash`, given the `metadataJSON` already made.
    func contentHash(metadataJSON: String) -> String {
        var hasher = ContentHasher()
        for part in [id, type, title, aliases.joined(separator: "\u{1F}"), issues.joined(separator: "\u{1F}"), body, metadataJSON] {
            hasher.combine(part)
            hasher.combine("\u{1E}")
        }
        // Only documents with pages hash them, so that every other document keeps the hash it had before pages.
        if !pageStarts.isEmpty {
            hasher.combine(pagesJSON)
            hasher.combine("\u{1E}")
        }
        return hasher.hexDigest
    }

    /// `pageStarts` as it is stored in the index: a JSON array, or the empty string for a document without pages.
    public var pagesJSON: String {
        pageStarts.isEmpty ? "" : "[" + pageStarts.map(String.init).joined(separator: ",") + "]"
    }

    /// The offsets a stored `pagesJSON` holds; empty for a document without pages.
    public static func pageStarts(json text: String?) -> [Int] {
        guard let text, text.count > 2 else { return [] }
        return text.dropFirst().dropLast().split(separator: ",").compactMap { Int($0) }
    }

    /// The page (1-based) that the scalar offset `offset` of `body` lies on, or `nil` for a document without pages.
    public static func page(at offset: Int, pageStarts: [Int]) -> Int? {
        guard !pageStarts.isEmpty else { return nil }
        var low = 0, high = pageStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if pageStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low + 1
    }

    /// The metadata as canonical JSON (sorted keys), as it is stored in the index.
    public var metadataJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(metadata)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension String {
    /// The string in Unicode Normalization Form C, with any NUL character made a space (SQLite's C API, and
    /// so every tool that reads the index, would cut the text at a NUL) and the index's own markers made spaces
    /// (`ReservedCharacters`); ASCII text without NUL is returned as it is, without work.
    public var nfc: String {
        var text = self
        if text.utf8.contains(0) { text = String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\u{0}" ? " " : $0 })) }
        return text.utf8.allSatisfy { $0 < 0x80 } ? text : ReservedCharacters.blanked(text).precomposedStringWithCanonicalMapping
    }
}

extension JSONValue {
    /// The value with every string in NFC.
    var nfc: JSONValue {
        switch self {
        case .string(let text): .string(text.nfc)
        case .array(let values): .array(values.map(\.nfc))
        case .object(let values): .object(values.mapValues(\.nfc))
        default: self
        }
    }
}

extension Document {
    /// The languages the index stems this document in: from its `languages` metadata, guessed from its text when it
    /// has none (`StemmingLanguage.forDocument(languages:text:)`).
    public var stemmingLanguages: [StemmingLanguage] {
        let listed = metadata["languages"]?.textList.flatMap { $0.split(separator: ",").map(String.init) }
        return StemmingLanguage.forDocument(languages: listed, text: title + "\n" + body)
    }
}
