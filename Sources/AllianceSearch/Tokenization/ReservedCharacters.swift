/// The code points the engine writes into text as markers of its own, which text from outside must never hold.
///
/// - U+E000 starts the token that names a row's languages (`AllianceTokenizer.languageMarker`);
/// - U+E001 starts every stem token (`AllianceTokenizer.stemMarker`): typed in a query, `\u{E001}enwork` would match
///   every document with an English form of "work", and held in a document, it would be indexed as that stem;
/// - U+FDD0 and U+FDD1 mark a match in `highlight()` output (`MarkedText`): held in a document, they would be read as
///   highlights.
///
/// Text from outside passes through `blanked(_:)` where it is put into NFC (`String.nfc`): every document field and
/// metadata value at ingest, every query (the lenient reading and `--raw`), filter values, and concept names. Each
/// reserved scalar becomes a space: one scalar for one, so that offsets into the text (a PDF's page starts) stay
/// where they were, and a space, not nothing, so that the words on either side are not glued into one. Other
/// private-use characters and noncharacters are text like any other.
enum ReservedCharacters {
    static let languageMarker: Unicode.Scalar = "\u{E000}"
    static let stemMarker: Unicode.Scalar = "\u{E001}"
    /// U+FDD0 (Swift takes no noncharacter in a `\u{…}` escape).
    static let highlightOpen = Unicode.Scalar(0xFDD0)!
    /// U+FDD1.
    static let highlightClose = Unicode.Scalar(0xFDD1)!

    /// Every reserved scalar, as a sentence names them.
    static let names = "U+E000, U+E001, U+FDD0 and U+FDD1"

    static func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0xE000, 0xE001, 0xFDD0, 0xFDD1: true
        default: false
        }
    }

    /// Whether `text` holds a reserved scalar. Their UTF-8 forms start with the bytes EE and EF: text without those
    /// is not read scalar by scalar.
    static func occur(in text: String) -> Bool {
        text.utf8.contains { $0 == 0xEE || $0 == 0xEF } && text.unicodeScalars.contains(where: contains)
    }

    /// `text` with each reserved scalar replaced by a space.
    static func blanked(_ text: String) -> String {
        guard occur(in: text) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { contains($0) ? " " : $0 }))
    }
}
