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

    /// Checks that `query` has something to search, without an index: the same tokenizer, in memory.
    ///
    /// `alliance-query` calls it first, so that an empty query is a usage error even when there is no index yet.
    ///
    /// - Throws: `QueryError.empty`.
    public static func validate(query: String) throws {
        _ = try DatabaseQueue().read { db in
            try MatchExpression(query, tokenizer: db.makeTokenizer(TokenizerSettings.descriptor))
        }
    }

    /// Searches the index.
    ///
    /// Hits are ranked and paged first; snippets are then cut for the page only, since `snippet()` costs time in
    /// proportion to the matches in a document:
    ///
    /// ```sql
    /// SELECT d."id", …, bm25("documents_fts", ?, ?, ?, ?) AS "bm25"
    /// FROM "documents_fts" JOIN "documents" AS d ON d."docid" = "documents_fts"."rowid"
    /// WHERE "documents_fts" MATCH ? AND d."type" IN (…)
    /// ORDER BY "bm25", d."id" LIMIT ? OFFSET ?;
    /// SELECT snippet("documents_fts", 3, …) FROM "documents_fts" WHERE "documents_fts" MATCH ? AND "rowid" = ?
    /// ```
    ///
    /// The snippet is cut from the body when the body matched, and from the best-matching column otherwise.
    ///
    /// - Throws: `QueryError.empty` for a query with nothing to search, `IndexError` when the index cannot be read.
    public func search(_ request: SearchRequest) throws -> SearchResults {
        let start = Date()
        let paths = IndexPaths(indexPath: index.path)
        return try index.read { db in
            let tokenizer = try db.makeTokenizer(TokenizerSettings.descriptor)
            let expression = try MatchExpression(request.query, tokenizer: tokenizer)
            var warnings = expression.warnings
            let types = request.types.map { $0.lowercased() }

            var filterSQL = ""
            var filterArguments: StatementArguments = []
            if !types.isEmpty {
                filterSQL += #" AND d."type" IN ("# + Array(repeating: "?", count: types.count).joined(separator: ", ") + ")"
                filterArguments += StatementArguments(types)
                let known = Set(try String.fetchAll(db, sql: #"SELECT DISTINCT "type" FROM "documents""#))
                for type in types where !known.contains(type) {
                    warnings.append("no document in the index has the type \"\(type)\" (types: \(known.sorted().joined(separator: ", ")))")
                }
            }
            let from = """
                FROM "documents_fts" JOIN "documents" AS d ON d."docid" = "documents_fts"."rowid"
                WHERE "documents_fts" MATCH ?\(filterSQL)
                """
            let total = try Int.fetchOne(
                db, sql: "SELECT count(*) \(from)", arguments: [expression.sql] + filterArguments) ?? 0

            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT d."docid", d."id", d."type", d."title", d."aliases", d."issues", d."path", d."line", d."metadata",
                        bm25("documents_fts", ?, ?, ?, ?) AS "bm25"
                    \(from)
                    ORDER BY "bm25", d."id"
                    LIMIT ? OFFSET ?
                    """,
                arguments: StatementArguments(request.weights.arguments) + [expression.sql] + filterArguments
                    + [max(0, request.limit), max(0, request.offset)])

            var hits: [SearchHit] = []
            for (position, row) in rows.enumerated() {
                let metadataJSON: String = row["metadata"]
                let metadata = (try? JSONDecoder().decode([String: JSONValue].self, from: Data(metadataJSON.utf8))) ?? [:]
                var snippet = try Self.snippet(db, expression: expression.sql, docid: row["docid"], column: 3)
                if !snippet.hasHighlights {
                    snippet = try Self.snippet(db, expression: expression.sql, docid: row["docid"], column: -1)
                }
                hits.append(SearchHit(
                    rank: request.offset + position + 1,
                    id: row["id"], type: row["type"], title: row["title"],
                    aliases: Self.lines(row["aliases"]), issues: Self.lines(row["issues"]),
                    path: DisplayPath.relative(paths.absolute(row["path"])), line: row["line"],
                    score: -(row["bm25"] as Double), metadata: metadata, snippet: snippet))
            }
            return SearchResults(
                request: request, expression: expression.sql, total: total, hits: hits, warnings: warnings,
                tookMilliseconds: Date().timeIntervalSince(start) * 1000)
        }
    }

    /// One document's snippet from `column` (-1: the column FTS5 finds best), up to 24 tokens.
    private static func snippet(_ db: Database, expression: String, docid: Int64, column: Int) throws -> Snippet {
        let marked = try String.fetchOne(
            db.cachedStatement(sql: """
                SELECT snippet("documents_fts", ?, ?, ?, '…', 24) FROM "documents_fts"
                WHERE "documents_fts" MATCH ? AND "rowid" = ?
                """),
            arguments: [column, String(Snippet.openMarker), String(Snippet.closeMarker), expression, docid])
        return Snippet(marked: marked ?? "")
    }

    private static func lines(_ text: String) -> [String] {
        text.isEmpty ? [] : text.components(separatedBy: "\n")
    }
}
