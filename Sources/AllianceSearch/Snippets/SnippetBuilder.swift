/// Chooses the fragments of a document to show for a hit.
///
/// Fragments are sentences: a sentence ends at `.`, `!`, `?`, the Devanagari danda `।` and `॥`, or the Khmer `។`
/// and `៕`, when a space or the end follows, and at every line break. The sentences holding the most distinct
/// matched words are chosen, up to `count`, and shown in document order. A sentence longer than `maxLength` is cut
/// to a window around its first match, at a space when there is one near, and always between grapheme clusters, so
/// that no accent, vowel sign or conjunct is cut from its letter.
public struct SnippetBuilder: Sendable {
    /// How many fragments at most.
    public var count: Int
    /// The longest fragment, in Unicode scalars.
    public var maxLength: Int

    public init(count: Int = 1, maxLength: Int = 180) {
        self.count = max(1, count)
        self.maxLength = max(20, maxLength)
    }

    /// The fragments of `document` for the matches at `matches` (offsets in Unicode scalars into it).
    ///
    /// With no match in the document (it matched on its title, say), the first sentence is returned, unmarked.
    public func fragments(of document: String, matches: [Range<Int>]) -> [Snippet] {
        let scalars = Array(document.unicodeScalars)
        guard !scalars.isEmpty else { return [] }
        let sentences = Self.sentences(scalars)
        guard !sentences.isEmpty else { return [] }

        var scored: [(sentence: Range<Int>, score: Int, order: Int)] = []
        for (order, sentence) in sentences.enumerated() {
            let inside = matches.filter { $0.lowerBound >= sentence.lowerBound && $0.upperBound <= sentence.upperBound }
            guard !inside.isEmpty else { continue }
            let distinct = Set(inside.map { String(String.UnicodeScalarView(scalars[$0])).lowercased() }).count
            scored.append((sentence, distinct * 1000 + inside.count, order))
        }
        let chosen: [Range<Int>]
        if scored.isEmpty {
            chosen = [sentences[0]]
        } else {
            chosen = scored.sorted { ($0.score, -$0.order) > ($1.score, -$1.order) }.prefix(count)
                .sorted { $0.order < $1.order }.map(\.sentence)
        }
        return chosen.map { sentence in
            let window = self.window(sentence, matches: matches, scalars: scalars)
            let highlights = matches.filter { $0.lowerBound >= window.lowerBound && $0.upperBound <= window.upperBound }
                .map {
                    Snippet.Highlight(
                        start: $0.lowerBound - window.lowerBound, end: $0.upperBound - window.lowerBound,
                        documentStart: $0.lowerBound, documentEnd: $0.upperBound)
                }
            return Snippet(
                text: String(String.UnicodeScalarView(scalars[window])), start: window.lowerBound,
                end: window.upperBound, highlights: highlights)
        }
    }

    /// The part of a sentence to show: all of it when short, else `maxLength` scalars around its first match.
    private func window(_ sentence: Range<Int>, matches: [Range<Int>], scalars: [Unicode.Scalar]) -> Range<Int> {
        guard sentence.count > maxLength else { return sentence }
        let first = matches.first { $0.lowerBound >= sentence.lowerBound && $0.upperBound <= sentence.upperBound }
        var start = max(sentence.lowerBound, (first?.lowerBound ?? sentence.lowerBound) - maxLength / 3)
        var end = min(sentence.upperBound, start + maxLength)
        if end - start < maxLength { start = max(sentence.lowerBound, end - maxLength) }
        // Move the edges to a space within a few words, else to a grapheme boundary.
        let slack = min(24, maxLength / 6)
        if start > sentence.lowerBound {
            if let space = (start..<min(start + slack, end)).first(where: { scalars[$0].properties.isWhitespace }) {
                start = space + 1
            }
            while start < end && !Self.isGraphemeBoundary(start, in: scalars) { start += 1 }
        }
        if end < sentence.upperBound {
            if let space = stride(from: end - 1, through: max(start, end - slack), by: -1).first(where: { scalars[$0].properties.isWhitespace }) {
                end = space
            }
            while end > start && !Self.isGraphemeBoundary(end, in: scalars) { end -= 1 }
        }
        return start..<end
    }

    /// The sentences of a text, as scalar ranges without their surrounding white space.
    static func sentences(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        let terminators: Set<Unicode.Scalar> = [".", "!", "?", "\u{0964}", "\u{0965}", "\u{17D4}", "\u{17D5}"]
        var sentences: [Range<Int>] = []
        var start = 0
        func close(_ end: Int) {
            var lower = start, upper = end
            while lower < upper && scalars[lower].properties.isWhitespace { lower += 1 }
            while upper > lower && scalars[upper - 1].properties.isWhitespace { upper -= 1 }
            if lower < upper { sentences.append(lower..<upper) }
            start = end
        }
        for index in scalars.indices {
            let scalar = scalars[index]
            if scalar == "\n" {
                close(index + 1)
            } else if terminators.contains(scalar), index + 1 == scalars.count || scalars[index + 1].properties.isWhitespace {
                close(index + 1)
            }
        }
        close(scalars.count)
        return sentences
    }

    /// Whether scalar offset `offset` falls between two grapheme clusters, judged on the scalars around it (a
    /// cluster longer than `reach` scalars, which no script needs, could be misjudged). Only the edges of cut
    /// fragments are checked, so a long document is never segmented whole.
    static func isGraphemeBoundary(_ offset: Int, in scalars: [Unicode.Scalar], reach: Int = 32) -> Bool {
        if offset <= 0 || offset >= scalars.count { return true }
        let lower = max(0, offset - reach), upper = min(scalars.count, offset + reach)
        var local = String.UnicodeScalarView()
        local.append(contentsOf: scalars[lower..<upper])
        let text = String(local)
        var position = 0
        for character in text {
            if position == offset - lower { return true }
            if position > offset - lower { return false }
            position += character.unicodeScalars.count
        }
        return position == offset - lower
    }
}
