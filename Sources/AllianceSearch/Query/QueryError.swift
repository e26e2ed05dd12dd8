import Foundation

/// A query that cannot be run. `alliance-query` exits with status 2 on these.
public enum QueryError: Error, Sendable, Equatable, LocalizedError {
    /// Nothing searchable is left once punctuation and symbols are set aside.
    case empty(query: String)
    /// Everything in the query was ignored, for the reasons given (`year:soon`, a stray operator).
    case nothingLeft(query: String, warnings: [QueryWarning])
    /// The query only excludes (`-word`), and there is nothing to exclude it from.
    case onlyExclusions(query: String)
    /// `--strict`: the query needed reinterpreting.
    case strict(query: String, warnings: [QueryWarning])
    /// `--raw`: SQLite found the FTS5 expression invalid.
    case invalidRaw(query: String, message: String, position: Int)
    /// `--batch`: a JSON line that cannot be read as a query.
    case invalidBatchLine(line: Int, message: String)
    /// FTS5 refused the expression built from the query.
    case unreadable(detail: String)
    /// A bound of `QueryLimits` that cannot be met by leaving part of the query out: a `--raw` expression, or
    /// filters given as options. `message` names the bound.
    case overLimit(query: String, message: String)

    public var errorDescription: String? {
        switch self {
        case .empty(let query) where query.allSatisfy(\.isWhitespace):
            "the query is empty; give one or more words, for example: alliance-query \"domestic work\""
        case .empty(let query):
            "the query \"\(query)\" has no words to search for; use letters or digits, for example: alliance-query \"domestic work\""
        case .nothingLeft(let query, let warnings):
            "nothing is left to search in \"\(query)\": " + warnings.map(\.description).joined(separator: "; ")
        case .onlyExclusions(let query):
            "the query \"\(query)\" only excludes words; add a word to search for, for example: alliance-query \"migrant -domestic\""
        case .strict(_, let warnings):
            "the query is not valid as typed (--strict): "
                + warnings.map(\.description).joined(separator: "; ")
        case .invalidRaw(_, let message, let position):
            "invalid FTS5 expression at character \(position + 1): \(message)"
        case .invalidBatchLine(let line, let message):
            "batch line \(line): \(message)"
        case .unreadable(let detail):
            "the query cannot be searched: \(detail)"
        case .overLimit(_, let message):
            "the query asks too much of the index: \(message)"
        }
    }
}
