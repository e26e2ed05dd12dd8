/// A search: the user's text and the options that shape the results.
public struct SearchRequest: Sendable, Hashable {
    /// The query as the user typed it.
    public var query: String
    /// How many hits to return (the total is counted regardless).
    public var limit: Int
    /// Hits to skip before the first one returned.
    public var offset: Int
    /// Restrictions from command-line options; filter terms in the query are added to them.
    public var filters: QueryFilters
    public var match: MatchMode
    /// Pass the query to FTS5 as it is (after validating it), instead of reading it with `QueryParser`.
    public var raw: Bool
    /// Refuse a query that needed reinterpreting, instead of warning.
    public var strict: Bool
    /// Counts to make over all matches.
    public var facets: [Facet]
    /// Fragments per hit.
    public var fragments: Int
    /// Explain each hit's score.
    public var explain: Bool
    /// Expand issue concepts across languages (`concepts.yaml`); `--no-expand` turns it off.
    public var expand: Bool
    /// Re-rank a ranking of any of the words with pseudo-relevance feedback (`RelevanceFeedback`); `--no-feedback`
    /// turns it off.
    public var feedback: Bool
    public var weights: ColumnWeights

    public init(
        query: String, limit: Int = 10, offset: Int = 0, filters: QueryFilters = QueryFilters(),
        match: MatchMode = .auto, raw: Bool = false, strict: Bool = false, facets: [Facet] = [], fragments: Int = 1,
        explain: Bool = false, expand: Bool = true, feedback: Bool = true, weights: ColumnWeights = .default
    ) {
        self.query = query
        self.limit = limit
        self.offset = offset
        self.filters = filters
        self.match = match
        self.raw = raw
        self.strict = strict
        self.facets = facets
        self.fragments = fragments
        self.explain = explain
        self.expand = expand
        self.feedback = feedback
        self.weights = weights
    }
}

/// How the words of a query combine.
public enum MatchMode: String, Sendable, Hashable, CaseIterable {
    /// Every word must match.
    case all
    /// Any word may match; documents matching more words rank higher (BM25 sums over words).
    case any
    /// `all`, relaxed to `any` when all the words together find fewer than `MatchMode.relaxBelow` documents and the
    /// query is a plain list of words (as a question typed in natural language is).
    case auto

    /// Fewer hits than this make `auto` try `any`.
    public static let relaxBelow = 3
}

/// A field counted over all matches with `--facets`.
public enum Facet: String, Sendable, Hashable, CaseIterable {
    case type, country, lang, issues, year
}
