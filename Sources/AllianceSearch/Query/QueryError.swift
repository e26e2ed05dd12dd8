import Foundation

/// A query that cannot be run. `alliance-query` exits with status 2 on these.
public enum QueryError: Error, Sendable, Equatable, LocalizedError {
    /// Nothing searchable is left once punctuation and symbols are set aside.
    case empty(query: String)

    public var errorDescription: String? {
        switch self {
        case .empty(let query) where query.allSatisfy(\.isWhitespace):
            "the query is empty; give one or more words, for example: alliance-query \"domestic work\""
        case .empty(let query):
            "the query \"\(query)\" has no words to search for; use letters or digits, for example: alliance-query \"domestic work\""
        }
    }
}
