import Foundation

/// The JSON form of `SearchResults`: version 1 of the output contract, described in the README.
///
/// `JSONRenderer` writes it pretty-printed, `BatchSearch` one per line. Keys are sorted, so the same results always
/// give the same bytes, `took_ms` aside. Offsets count Unicode scalars.
struct ResultDocument: Encodable {
    var schema = JSONRenderer.schemaVersion
    var id: String?
    var query: String
    var parsed: String
    var expression: String
    var filters: [String: JSONValue]
    var mode: String
    var relaxed: Bool
    /// Read as a question in natural language: any of its content words, ranked (added in schema 1).
    var question: Bool
    var total: Int
    var limit: Int
    var offset: Int
    var took_ms: Double
    var warnings: [String]
    var suggestions: [String]
    var expansions: [ExpansionJSON]
    /// The words pseudo-relevance feedback ranked by, with their weights (added in schema 1, empty when unused).
    var feedback: [FeedbackJSON]
    var facets: [String: [FacetCount]]
    var hits: [Hit]

    struct FeedbackJSON: Encodable {
        var word: String
        var weight: Double
    }

    struct Hit: Encodable {
        var rank: Int
        var id: String
        var type: String
        var title: String
        var aliases: [String]
        var issues: [String]
        var path: String
        var line: Int
        var score: Double
        var metadata: [String: JSONValue]
        /// The first fragment, as in the first release of schema 1.
        var snippet: SnippetJSON
        var snippets: [SnippetJSON]
        var explain: Explanation?
        /// For a document with pages (a PDF): the page of the first fragment, and every page with a matched word
        /// (added in schema 1; absent for other documents).
        var page: Int?
        var pages: [Int]?
    }

    struct ExpansionJSON: Encodable {
        var concept: String
        var matched: String
        var terms: [String]
    }

    struct SnippetJSON: Encodable {
        var text: String
        var start: Int
        var end: Int
        var highlights: [Snippet.Highlight]
        /// The page the fragment is on, for a document with pages (added in schema 1).
        var page: Int?
    }

    struct Explanation: Encodable {
        var score: Double
        var mode: String
        var columns: [Column]

        struct Column: Encodable {
            var column: String
            var weight: Double
            var bm25: Double
        }
    }

    init(_ results: SearchResults, id: String? = nil) {
        self.id = id
        query = results.request.query
        parsed = results.parsed
        expression = results.expression
        filters = results.filters.summary
        mode = results.mode.rawValue
        relaxed = results.relaxed
        question = results.question
        total = results.total
        limit = results.request.limit
        offset = results.request.offset
        took_ms = (results.tookMilliseconds * 100).rounded() / 100
        warnings = results.warnings.map(\.description)
        suggestions = results.suggestion.map { [$0] } ?? []
        expansions = results.expansions.map { ExpansionJSON(concept: $0.concept, matched: $0.matched, terms: $0.terms) }
        feedback = results.feedback.map { FeedbackJSON(word: $0.word, weight: Self.rounded($0.weight)) }
        facets = Dictionary(uniqueKeysWithValues: results.facets.map { ($0.key.rawValue, $0.value) })
        hits = results.hits.map { hit in
            let snippets = hit.snippets.map {
                SnippetJSON(text: $0.text, start: $0.start, end: $0.end, highlights: $0.highlights, page: $0.page)
            }
            return Hit(
                rank: hit.rank, id: hit.id, type: hit.type, title: hit.title, aliases: hit.aliases, issues: hit.issues,
                path: hit.path, line: hit.line, score: Self.rounded(hit.score), metadata: hit.metadata,
                snippet: snippets.first ?? SnippetJSON(text: "", start: 0, end: 0, highlights: []), snippets: snippets,
                explain: hit.explanation.map { explanation in
                    Explanation(
                        score: Self.rounded(explanation.score), mode: explanation.mode,
                        columns: explanation.columns.map { Explanation.Column(column: $0.name, weight: $0.weight, bm25: Self.rounded($0.bm25)) })
                },
                page: hit.page, pages: hit.pages.isEmpty ? nil : hit.pages)
        }
    }

    /// Six decimals: enough to order hits, few enough to keep golden files stable across platforms.
    static func rounded(_ value: Double) -> Double {
        (value * 1e6).rounded() / 1e6
    }

    static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
