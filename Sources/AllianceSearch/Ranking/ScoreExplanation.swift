/// How a hit's score was built, for `--explain`.
///
/// FTS5's `bm25()` weighs each column's term frequency before it saturates, so the weighted score is not the sum of
/// the per-column scores. The explanation gives each column's own BM25 (computed with that column alone weighted 1),
/// its weight, and the combined score that ranked the hit.
public struct ScoreExplanation: Sendable, Hashable {
    public struct Column: Sendable, Hashable {
        public var name: String
        public var weight: Double
        /// The column's negated `bm25()` with only this column counted: 0 when nothing matched in it.
        public var bm25: Double
    }

    public var columns: [Column]
    /// The score that ranked the hit.
    public var score: Double
    /// `all`, `any`, or `any (relaxed from all: N hits)`.
    public var mode: String
}
