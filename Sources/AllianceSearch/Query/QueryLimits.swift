/// What one query may ask of the index: the bounds that keep every query's cost bounded, the same for a query read
/// leniently and for an FTS5 expression typed with `--raw`, whether it comes from the command line, a `--batch` line
/// or the HTTP API (all of them go through `SearchEngine`).
///
/// The costs they bound were measured on 100,000 documents (`bench/RESULTS.md`, issue 14): FTS5 reads a word's
/// whole doclist for every phrase that holds it and for every statement a search runs (count, ranking,
/// highlighting, feedback), a prefix reads the doclists of every word it starts, and ranking a row costs in
/// proportion to the phrases of the expression. Unbounded, a repeated or long query took minutes.
///
/// The lenient reading keeps what fits and says what it left out (`QueryWarning`; `--strict` makes that a
/// `QueryError`); a `--raw` expression over a bound is refused with `QueryError.overLimit`, which names the bound.
/// The first 64 different words of a question are kept: every judged query of CACM and Cranfield fits.
public enum QueryLimits {
    /// Unicode scalars of query text that are read; the rest is ignored.
    public static let length = 4_096
    /// Different words and phrases (a word or phrase repeated counts once; each word of `NEAR(…)` counts).
    public static let terms = 64
    /// Words in all: each word of a phrase, and each part of a word FTS5 splits (`anti-trafficking` is two).
    public static let words = 128
    /// Prefixes (`traffick*`): each reads the doclists of every word it starts.
    public static let prefixes = 4
    /// Characters a prefix needs before its `*`: `a*` starts a large part of any vocabulary.
    public static let prefixLength = 3
    /// Levels of parentheses.
    public static let depth = 64
    /// The largest distance of `NEAR(…, N)`.
    public static let nearDistance = 1_000
    /// Values of filters (`type:`, `country:`, `lang:`, `issue:`), in the query and in the request together.
    public static let filters = 64
    /// Names of issue concepts added to one query by expansion (`ConceptMap`).
    public static let conceptTerms = 64
}
