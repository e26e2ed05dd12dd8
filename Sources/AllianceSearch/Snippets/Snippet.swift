/// A fragment of a document around the words that matched, with those words marked.
///
/// Offsets count Unicode scalars (code points), `start` inclusive and `end` exclusive: `start`/`end` of a snippet
/// place it in the document's text (the indexed body), and each highlight is given both in the fragment and in the
/// document.
public struct Snippet: Sendable, Hashable {
    /// One matched word or phrase.
    public struct Highlight: Sendable, Hashable, Codable {
        /// Offsets into the fragment's `text`.
        public var start: Int
        public var end: Int
        /// Offsets into the document's text.
        public var documentStart: Int
        public var documentEnd: Int

        public init(start: Int, end: Int, documentStart: Int, documentEnd: Int) {
            self.start = start
            self.end = end
            self.documentStart = documentStart
            self.documentEnd = documentEnd
        }

        enum CodingKeys: String, CodingKey {
            case start, end
            case documentStart = "doc_start"
            case documentEnd = "doc_end"
        }
    }

    /// The fragment's plain text.
    public var text: String
    /// Where the fragment lies in the document's text.
    public var start: Int
    public var end: Int
    /// The matched words, in order.
    public var highlights: [Highlight]
    /// The page of the document the fragment is on (1-based), for a document with pages.
    public var page: Int?

    public init(text: String, start: Int, end: Int, highlights: [Highlight]) {
        self.text = text
        self.start = start
        self.end = end
        self.highlights = highlights
    }

    /// Whether any word is highlighted.
    public var hasHighlights: Bool { !highlights.isEmpty }

    /// The fragment with each highlight wrapped in `open` and `close`.
    public func marked(open: String, close: String) -> String {
        var result = ""
        let scalars = Array(text.unicodeScalars)
        var position = 0
        for highlight in highlights {
            result.unicodeScalars.append(contentsOf: scalars[position..<highlight.start])
            result += open
            result.unicodeScalars.append(contentsOf: scalars[highlight.start..<highlight.end])
            result += close
            position = highlight.end
        }
        result.unicodeScalars.append(contentsOf: scalars[position...])
        return result
    }
}
