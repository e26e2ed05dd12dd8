/// The weight of each FTS5 column in `bm25()`: a match in a title counts ten times a match in the body.
///
/// Titles and aliases name a group or a report, so a query that names one should find it first. Issue tags are
/// chosen from a controlled list and say what a document is about: they come next. The body is the long tail.
///
/// Related SQLite documentation: <https://www.sqlite.org/fts5.html#the_bm25_function>
public struct ColumnWeights: Sendable, Hashable {
    public var title: Double
    public var aliases: Double
    public var issues: Double
    public var body: Double
    /// The Khmer cluster pairs of title, aliases and body (`KhmerGrams`): a body-level match.
    public var khmer: Double

    public init(title: Double, aliases: Double, issues: Double, body: Double, khmer: Double = 1) {
        self.title = title
        self.aliases = aliases
        self.issues = issues
        self.body = body
        self.khmer = khmer
    }

    public static let `default` = ColumnWeights(title: 10, aliases: 8, issues: 4, body: 1, khmer: 1)

    /// The weights in the order of `IndexSchema.ftsColumns`, the arguments of `bm25("documents_fts", ?, ?, ?, ?, ?)`.
    public var arguments: [Double] { [title, aliases, issues, body, khmer] }
}
