import Foundation
import GRDB

/// Runs searches on an index: `bm25()` with column weights, ties broken by document id, a snippet per hit.
///
/// The query text reaches SQLite only as a bound `MATCH` argument built by `MatchExpression`, in which every word
/// and phrase is an FTS5 string. Filters are bound values too.
public struct SearchEngine: Sendable {
    public let index: SearchIndex

    public init(index: SearchIndex) {
        self.index = index
    }

    /// Searches the index.
    ///
    /// The hits come from one statement:
    ///
    /// ```sql
    /// SELECT d."id", …, bm25("documents_fts", ?, ?, ?, ?) AS "bm25",
    ///        snippet("documents_fts", 3, …) AS "body_snippet", snippet("documents_fts", -1, …) AS "best_snippet"
    /// FROM "documents_fts" JOIN "documents" AS d ON d."docid" = "documents_fts"."rowid"
    /// WHERE "documents_fts" MATCH ? AND d."type" IN (…)
    /// ORDER BY "bm25", d."id" LIMIT ? OFFSET ?
    /// ```
    ///
    /// The snippet is cut from the body when the body matched, and from the best-matching column otherwise.
    ///
    /// - Throws: `QueryError.empty` for a query with nothing to search, `IndexError` when the index cannot be read.
    public func search(_ request: SearchRequest) throws -> SearchResults {
        let start = Date()
        return try index.read { db in
            let tokenizer = try db.makeTokenizer(TokenizerSettings.descriptor)
            let expression = try MatchExpression(request.query, tokenizer: tokenizer)

            var filterSQL = ""
            var filterArguments: StatementArguments = []
            if !request.types.isEmpty {
                filterSQL += #" AND d."type" IN ("# + Array(repeating: "?", count: request.types.count).joined(separator: ", ") + ")"
                filterArguments += StatementArguments(request.types.map { $0.lowercased() })
            }
            let from = """
                FROM "documents_fts" JOIN "documents" AS d ON d."docid" = "documents_fts"."rowid"
                WHERE "documents_fts" MATCH ?\(filterSQL)
                """
            let total = try Int.fetchOne(
                db, sql: "SELECT count(*) \(from)", arguments: [expression.sql] + filterArguments) ?? 0

            let open = String(Snippet.openMarker), close = String(Snippet.closeMarker)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT d."id", d."type", d."title", d."aliases", d."issues", d."path", d."line", d."metadata",
                        bm25("documents_fts", ?, ?, ?, ?) AS "bm25",
                        snippet("documents_fts", 3, ?, ?, '…', 24) AS "body_snippet",
                        snippet("documents_fts", -1, ?, ?, '…', 24) AS "best_snippet"
                    \(from)
                    ORDER BY "bm25", d."id"
                    LIMIT ? OFFSET ?
                    """,
                arguments: StatementArguments(request.weights.arguments) + [open, close, open, close, expression.sql]
                    + filterArguments + [max(0, request.limit), max(0, request.offset)])

            let hits = rows.enumerated().map { position, row in
                let bodySnippet = Snippet(marked: row["body_snippet"] ?? "")
                let metadataJSON: String = row["metadata"]
                let metadata = (try? JSONDecoder().decode([String: JSONValue].self, from: Data(metadataJSON.utf8))) ?? [:]
                return SearchHit(
                    rank: request.offset + position + 1,
                    id: row["id"], type: row["type"], title: row["title"],
                    aliases: lines(row["aliases"]), issues: lines(row["issues"]),
                    path: DisplayPath.relative(row["path"]), line: row["line"],
                    score: -(row["bm25"] as Double), metadata: metadata,
                    snippet: bodySnippet.hasHighlights ? bodySnippet : Snippet(marked: row["best_snippet"] ?? ""))
            }
            return SearchResults(
                request: request, expression: expression.sql, total: total, hits: hits, warnings: expression.warnings,
                tookMilliseconds: Date().timeIntervalSince(start) * 1000)
        }
    }

    private func lines(_ text: String) -> [String] {
        text.isEmpty ? [] : text.components(separatedBy: "\n")
    }
}
