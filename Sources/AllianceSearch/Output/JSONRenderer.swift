import Foundation

/// Renders results as one JSON document, version 1 of the output contract described in the README.
///
/// Keys are sorted and the output is pretty-printed, so that the same results always give the same bytes (except
/// `took_ms`). Snippet highlight offsets count Unicode scalars in `snippet.text`, start inclusive, end exclusive.
public struct JSONRenderer: Sendable {
    /// The version of the contract; it changes only when a field is removed or changes meaning.
    public static let schemaVersion = 1

    public init() {}

    struct Output: Encodable {
        var schema: Int
        var query: String
        var expression: String
        var total: Int
        var limit: Int
        var offset: Int
        var took_ms: Double
        var warnings: [String]
        var hits: [Hit]
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
        var snippet: SnippetOutput
    }

    struct SnippetOutput: Encodable {
        var text: String
        var highlights: [Snippet.Highlight]
    }

    public func render(_ results: SearchResults) throws -> String {
        let output = Output(
            schema: Self.schemaVersion, query: results.request.query, expression: results.expression,
            total: results.total, limit: results.request.limit, offset: results.request.offset,
            took_ms: (results.tookMilliseconds * 100).rounded() / 100, warnings: results.warnings,
            hits: results.hits.map { hit in
                Hit(
                    rank: hit.rank, id: hit.id, type: hit.type, title: hit.title, aliases: hit.aliases,
                    issues: hit.issues, path: hit.path, line: hit.line, score: (hit.score * 1e6).rounded() / 1e6,
                    metadata: hit.metadata,
                    snippet: SnippetOutput(text: hit.snippet.text, highlights: hit.snippet.highlights))
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(output), as: UTF8.self) + "\n"
    }
}
