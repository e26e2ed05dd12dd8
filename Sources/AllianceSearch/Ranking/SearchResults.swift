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
    /// The negated `bm25()` value: higher is better. Comparable within one query only.
    public var score: Double
    public var metadata: [String: JSONValue]
    public var snippet: Snippet
}

/// The answer to a `SearchRequest`.
public struct SearchResults: Sendable, Hashable {
    public var request: SearchRequest
    /// The FTS5 expression that was run.
    public var expression: String
    /// Every matching document, not only the ones returned.
    public var total: Int
    public var hits: [SearchHit]
    /// What was reinterpreted or ignored in the query.
    public var warnings: [String]
    public var tookMilliseconds: Double
}
