import AllianceSearch

/// Text made safe for HTML: the one place where the page builds markup from values, for the marked fragments and
/// document text that the templates insert unescaped. Everything else goes through Mustache's escaping.
public enum HTMLText {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references: safe in element content and in
    /// quoted attribute values.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `text` escaped and bidi-isolated in `<bdi>`: right-to-left letters or a bidi control in it (U+202E shows
    /// `gnp.exe` as `exe.png`) reorder only the text itself, never the page's words around it. Every value that came
    /// from a request or a document is shown this way.
    static func isolated(_ text: String) -> String {
        isolated(markup: escape(text))
    }

    /// Markup built here from a value (its marked text), bidi-isolated.
    static func isolated(markup: String) -> String {
        "<bdi>" + markup + "</bdi>"
    }

    /// The explicit bidi formatting characters: embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069)
    /// and the marks (U+200E, U+200F, U+061C).
    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }

    /// `text` without its bidi controls, for `<title>`, which cannot hold markup to isolate a value in.
    static func withoutBidiControls(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: text.unicodeScalars.filter { !isBidiControl($0) })
        return String(result)
    }

    /// `text` escaped, with each of `ranges` (offsets in Unicode scalars, sorted, not overlapping) wrapped in
    /// `<mark>`. Ranges outside the text are clipped. With `numbered`, the marks get the ids `mark-1`, `mark-2`, …,
    /// for links to them.
    public static func marked(_ text: String, ranges: [Range<Int>], numbered: Bool = false) -> String {
        marked(text, ranges: ranges, numbering: numbered ? 1 : nil)
    }

    /// `marked(_:ranges:numbered:)` with the first mark's number given: `mark-\(numbering)`, and on from there.
    static func marked(_ text: String, ranges: [Range<Int>], numbering: Int?) -> String {
        let scalars = Array(text.unicodeScalars)
        var result = ""
        var position = 0
        var marks = 0
        func append(_ slice: ArraySlice<Unicode.Scalar>) {
            var piece = String.UnicodeScalarView()
            piece.append(contentsOf: slice)
            result += escape(String(piece))
        }
        for range in ranges {
            let start = min(max(range.lowerBound, position), scalars.count)
            let end = min(max(range.upperBound, start), scalars.count)
            guard start < end else { continue }
            append(scalars[position..<start])
            if let numbering {
                result += "<mark id=\"mark-\(numbering + marks)\">"
            } else {
                result += "<mark>"
            }
            marks += 1
            append(scalars[start..<end])
            result += "</mark>"
            position = end
        }
        append(scalars[position...])
        return result
    }

    /// A fragment with its highlights marked, bidi-isolated as a whole.
    public static func marked(_ snippet: Snippet) -> String {
        isolated(markup: marked(snippet.text, ranges: snippet.highlights.map { $0.start..<$0.end }))
    }
}
