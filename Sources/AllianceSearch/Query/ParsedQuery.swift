/// What the parser made of a query: the tree to search, the filters, and what it had to reinterpret.
public struct ParsedQuery: Sendable, Hashable {
    /// The tree to search; `nil` when the query holds only filters (or nothing).
    public var node: QueryNode?
    public var filters: QueryFilters
    /// What was ignored or read differently from how it was typed. `--strict` turns these into errors.
    public var warnings: [QueryWarning]
}

/// Something in a query that was ignored or reinterpreted, with where it was.
public struct QueryWarning: Sendable, Hashable, CustomStringConvertible {
    /// The character offset (0-based, in Unicode extended grapheme clusters as typed) the problem starts at.
    public var position: Int
    public var message: String

    public init(position: Int, message: String) {
        self.position = position
        self.message = message
    }

    public var description: String { "at character \(position + 1): \(message)" }
}
