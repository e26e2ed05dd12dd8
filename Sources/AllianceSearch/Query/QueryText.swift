/// The text a query is read as, whichever way it is read (`QueryParser`, or an FTS5 expression with `--raw`): in
/// Unicode NFC as documents are indexed, with the index's own markers made spaces (`String.nfc`,
/// `ReservedCharacters`), and what that changed as a warning.
enum QueryText {
    /// `text` as queries are read, and a warning when it held reserved characters.
    static func normalized(_ text: String) -> (text: String, warnings: [QueryWarning]) {
        guard ReservedCharacters.occur(in: text), let first = text.unicodeScalars.firstIndex(where: ReservedCharacters.contains) else {
            return (text.nfc, [])
        }
        let position = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: first)
        return (text.nfc, [QueryWarning(
            position: position,
            message: "\(ReservedCharacters.names) are reserved for the index's own markers; each was read as a space")])
    }

    /// The text the lenient parser reads: the first `QueryLimits.length` scalars, normalized; and the warnings.
    static func lenient(_ text: String) -> (text: String, warnings: [QueryWarning]) {
        let (kept, truncation) = truncated(text)
        let (read, reserved) = normalized(kept)
        return (read, reserved + truncation)
    }

    /// The first `QueryLimits.length` scalars of `text`, and a warning when there were more.
    static func truncated(_ text: String) -> (text: String, warnings: [QueryWarning]) {
        guard text.utf8.count > QueryLimits.length, text.unicodeScalars.count > QueryLimits.length else { return (text, []) }
        let kept = String(String.UnicodeScalarView(text.unicodeScalars.prefix(QueryLimits.length)))
        return (kept, [QueryWarning(
            position: QueryLimits.length,
            message: "the query is longer than \(QueryLimits.length) characters; the rest was ignored")])
    }

    /// How many characters of `text` a prefix has before its `*`: the scalars of its last word (letters, digits,
    /// marks, private-use characters, joiners), as FTS5 reads the last token of a prefix phrase.
    static func prefixLength(_ text: String) -> Int {
        var count = 0
        for scalar in text.unicodeScalars.reversed() {
            let properties = scalar.properties
            let inWord = properties.isAlphabetic || properties.numericType != nil || scalar == "\u{200C}" || scalar == "\u{200D}"
                || [.nonspacingMark, .spacingMark, .enclosingMark, .privateUse].contains(properties.generalCategory)
            if !inWord { break }
            count += 1
        }
        return count
    }
}
