/// A fragment of a document around the words that matched, with those words marked.
///
/// The fragment comes from FTS5's `snippet()` function, which marks matches with two code points that do not occur
/// in text (Unicode noncharacters U+FDD0 and U+FDD1). `Snippet` turns the marked string into plain text and a list of
/// highlighted ranges.
public struct Snippet: Sendable, Hashable {
    /// One highlighted range, as offsets in Unicode scalars into `text`: `start` inclusive, `end` exclusive.
    public struct Highlight: Sendable, Hashable, Codable {
        public var start: Int
        public var end: Int
    }

    /// The fragment's plain text.
    public var text: String
    /// The matched words, in order.
    public var highlights: [Highlight]

    /// The marker `snippet()` puts before a match.
    public static let openMarker = Character(Unicode.Scalar(0xFDD0)!)
    /// The marker `snippet()` puts after a match.
    public static let closeMarker = Character(Unicode.Scalar(0xFDD1)!)

    public init(text: String, highlights: [Highlight]) {
        self.text = text
        self.highlights = highlights
    }

    /// Reads a string marked by `snippet()`.
    public init(marked: String) {
        var text = ""
        var highlights: [Highlight] = []
        var offset = 0
        var start: Int?
        for scalar in marked.unicodeScalars {
            switch Character(scalar) {
            case Self.openMarker:
                start = offset
            case Self.closeMarker:
                if let begin = start, begin < offset { highlights.append(Highlight(start: begin, end: offset)) }
                start = nil
            default:
                text.unicodeScalars.append(scalar)
                offset += 1
            }
        }
        self.init(text: text, highlights: highlights)
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
