import GRDB

/// The FTS5 `MATCH` expression for a query: its searchable clauses, each an FTS5 string, joined with `AND`.
///
/// Clauses are tokenised with the index's own tokenizer first. One with no token in it (`...`, `—`, an emoji) would
/// make FTS5 match nothing, so it is left out, with a warning.
public struct MatchExpression: Sendable, Hashable {
    /// The clauses that are searched.
    public var clauses: [QueryClause]
    /// What the parser and the tokenizer reinterpreted or left out.
    public var warnings: [String]

    /// The expression bound to `… MATCH ?`, for example `"police" AND "brutality"`.
    public var sql: String {
        clauses.map(\.ftsString).joined(separator: " AND ")
    }

    /// Parses `text` and keeps the clauses that contain at least one token.
    ///
    /// - Throws: `QueryError.empty` when no clause does.
    init(_ text: String, tokenizer: any FTS5Tokenizer) throws {
        let parsed = QueryParser.parse(text)
        warnings = parsed.warnings
        clauses = []
        for clause in parsed.clauses {
            if try tokenizer.tokenize(query: clause.text).isEmpty {
                warnings.append("ignored \(clause.ftsString): it has no letters or digits to search for")
            } else {
                clauses.append(clause)
            }
        }
        guard !clauses.isEmpty else { throw QueryError.empty(query: text) }
    }
}
