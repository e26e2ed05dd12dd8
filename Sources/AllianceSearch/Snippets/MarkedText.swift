/// Text marked by FTS5's `highlight()` or `snippet()`, read into plain text and the marked ranges.
///
/// The markers are two Unicode noncharacters (U+FDD0, U+FDD1), which do not occur in text people write.
public struct MarkedText: Sendable, Hashable {
    /// The marker placed before a match (reserved: `ReservedCharacters`).
    public static let openMarker = Character(ReservedCharacters.highlightOpen)
    /// The marker placed after a match.
    public static let closeMarker = Character(ReservedCharacters.highlightClose)

    /// The text without markers.
    public var text: String
    /// The marked ranges, as offsets in Unicode scalars into `text`.
    public var ranges: [Range<Int>]

    public init(_ marked: String) {
        var text = String.UnicodeScalarView()
        var ranges: [Range<Int>] = []
        var offset = 0
        var start: Int?
        for scalar in marked.unicodeScalars {
            switch scalar {
            case ReservedCharacters.highlightOpen:
                start = offset
            case ReservedCharacters.highlightClose:
                if let begin = start, begin < offset { ranges.append(begin..<offset) }
                start = nil
            default:
                text.append(scalar)
                offset += 1
            }
        }
        self.text = String(text)
        self.ranges = ranges
    }

    /// The text with every occurrence of `words` marked too, for matches FTS5's `highlight()` cannot see (Khmer words
    /// found through the `khmer` column). Overlapping marks are merged.
    public func marking(_ words: [String]) -> MarkedText {
        guard !words.isEmpty else { return self }
        let scalars = Array(text.unicodeScalars)
        var found = ranges
        for word in words {
            let needle = Array(word.unicodeScalars)
            guard !needle.isEmpty, needle.count <= scalars.count else { continue }
            var start = 0
            while start + needle.count <= scalars.count {
                if scalars[start] == needle[0], Array(scalars[start..<(start + needle.count)]) == needle {
                    found.append(start..<(start + needle.count))
                    start += needle.count
                } else {
                    start += 1
                }
            }
        }
        var merged: [Range<Int>] = []
        for range in found.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        var copy = self
        copy.ranges = merged
        return copy
    }
}
