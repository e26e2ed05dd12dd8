/// Text marked by FTS5's `highlight()` or `snippet()`, read into plain text and the marked ranges.
///
/// The markers are two Unicode noncharacters (U+FDD0, U+FDD1), which do not occur in text people write.
public struct MarkedText: Sendable, Hashable {
    /// The marker placed before a match.
    public static let openMarker = Character(Unicode.Scalar(0xFDD0)!)
    /// The marker placed after a match.
    public static let closeMarker = Character(Unicode.Scalar(0xFDD1)!)

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
            switch scalar.value {
            case 0xFDD0:
                start = offset
            case 0xFDD1:
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
}
