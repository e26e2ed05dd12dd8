/// One ranked document.
public struct SearchHit: Sendable, Hashable {
    /// 1 for the best hit.
    public var rank: Int
    public var id: String
    public var type: String
    public var title: String
    public var aliases: [String]
    public var issues: [String]
    /// The source file, relative to the working directory when it lies under it.
    public var path: String
    /// The line the document starts on in its file.
    public var line: Int
    /// The negated `bm25()` value: higher is better. Comparable within one query only; 0 for filter-only queries.
    public var score: Double
    public var metadata: [String: JSONValue]
    /// The fragments chosen for the matched words, in document order.
    public var snippets: [Snippet]
    /// How the score was built, with `--explain`.
    public var explanation: ScoreExplanation?
    /// For a document with pages (a PDF): the pages that hold a matched word, in order; empty otherwise.
    public var pages: [Int] = []
    /// The page the first fragment comes from, when a matched word is on a page (not only in the title); `nil`
    /// otherwise, and for a document without pages.
    public var page: Int? { pages.isEmpty ? nil : snippets.first?.page ?? pages.first }
}

/// One value of a facet and how many matching documents have it.
public struct FacetCount: Sendable, Hashable, Codable {
    public var value: String
    public var count: Int
}

/// The answer to a `SearchRequest`.
public struct SearchResults: Sendable, Hashable {
    public var request: SearchRequest
    /// The query as the parser read it, in the query language (`police AND brutality`); the raw text with `--raw`.
    public var parsed: String
    /// The FTS5 expression that was run; empty for a query of filters only.
    public var expression: String
    /// The filters in force, from the query and the options.
    public var filters: QueryFilters
    /// The mode that answered: `all` or `any`.
    public var mode: MatchMode
    /// Whether `auto` relaxed an `all` query that found too little into `any`.
    public var relaxed: Bool
    /// Whether `auto` read the query as a question in natural language and ranked any of its content words
    /// (`QueryNode.isQuestion`).
    public var question = false
    /// Every matching document, not only the ones returned.
    public var total: Int
    public var hits: [SearchHit]
    /// Counts over all matches, for each facet asked for, most frequent first.
    public var facets: [Facet: [FacetCount]]
    /// A corrected query, when a word is unknown to the index and a near one is known.
    public var suggestion: String?
    /// The issue concepts the query named, and the terms searched for them.
    public var expansions: [ConceptMap.Expansion]
    /// The words pseudo-relevance feedback added to the ranking, with their weights; empty when it did not run.
    public var feedback: [RelevanceFeedback.Word] = []
    /// What was reinterpreted or ignored in the query.
    public var warnings: [QueryWarning]
    public var tookMilliseconds: Double
}
