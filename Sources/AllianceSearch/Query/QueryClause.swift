/// One part of a parsed query: a word, or a phrase the user put in double quotes.
///
/// Every clause becomes one FTS5 string (`"…"`), so that nothing the user typed is read as FTS5 syntax. FTS5 then
/// tokenises the string with the index's tokenizer: `anti-trafficking` becomes the phrase `anti trafficking`,
/// `C++` the word `c`.
public struct QueryClause: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case word
        case phrase
    }

    public var kind: Kind
    /// The text as typed, without the quotes.
    public var text: String

    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }

    /// The clause as an FTS5 string literal: the text in double quotes, with any double quote inside doubled.
    ///
    /// Related SQLite documentation: <https://www.sqlite.org/fts5.html#fts5_strings>
    public var ftsString: String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
