import Foundation
import GRDB

/// One document in full, for reading: its fields, its metadata and its whole text, with the words of a query marked.
///
/// The search page's document view and `GET /api/documents/{id}` show this.
public struct DocumentView: Sendable, Hashable {
    public var id: String
    public var type: String
    public var title: String
    public var aliases: [String]
    public var issues: [String]
    /// The source file, relative to the working folder, and the line the document starts on.
    public var path: String
    public var line: Int
    public var metadata: [String: JSONValue]
    /// The indexed text, with the words of the query marked (no marks without a query, or when it does not match).
    public var body: MarkedText
    /// Where each page starts in `body`, in Unicode scalars, for a PDF; empty otherwise.
    public var pageStarts: [Int] = []
}

extension SearchEngine {
    /// The document whose id is `id`, or `nil` when the index has none, with the words of `query` marked in its text.
    ///
    /// The id is bound, never spliced into SQL, and only ever compared with the `id` column: it names no file.
    ///
    /// ```sql
    /// SELECT "docid", "id", "type", … FROM "documents" WHERE "id" = ?;
    /// SELECT highlight("documents_fts", 3, ?, ?) FROM "documents_fts" WHERE "documents_fts" MATCH ? AND "rowid" = ?
    /// ```
    ///
    /// The query is read as `--match any` would read it (each word on its own, concepts expanded), so that every
    /// word of it that the text holds is marked, whatever the search's mode was. A query that cannot be read marks
    /// nothing: the document is still shown.
    ///
    /// - Throws: `IndexError` when the index cannot be read.
    public func document(id: String, highlighting query: String = "") throws -> DocumentView? {
        return try index.read { db in
            try cache.check(db, generation: index.generation)
            guard let row = try Row.fetchOne(
                db,
                sql: #"SELECT "docid", "id", "type", "title", "aliases", "issues", "path", "line", "metadata", "body", "pages" FROM "documents" WHERE "id" = ?"#,
                arguments: [id])
            else { return nil }
            let docid: Int64 = row["docid"]
            let metadataJSON: String = row["metadata"]
            var body = MarkedText(row["body"] ?? "")
            if !query.allSatisfy(\.isWhitespace), let reading = try? highlightReading(query, db: db),
                let expression = reading.expression
            {
                let scope = MatchScope(expression: expression, filters: QueryFilters(), plan: reading.plan, issueExpressions: [:])
                if let marked = (try? scope.markedBodies(db, docids: [docid]))?[docid] { body = marked }
                body = body.marking(reading.leaves.compactMap { leaf -> String? in
                    switch leaf {
                    case .term(let text, _), .phrase(let text, _): KhmerGrams.containsKhmer(text) ? text : nil
                    default: nil
                    }
                })
            }
            return DocumentView(
                id: row["id"], type: row["type"], title: row["title"], aliases: Self.lines(row["aliases"]),
                issues: Self.lines(row["issues"]),
                path: DisplayPath.relative(IndexPaths(indexPath: index.path).absolute(row["path"])),
                line: row["line"],
                metadata: (try? JSONDecoder().decode([String: JSONValue].self, from: Data(metadataJSON.utf8))) ?? [:],
                body: body, pageStarts: Document.pageStarts(json: row["pages"]))
        }
    }

    /// The loosest reading of `query`: the one that marks the most of its words.
    private func highlightReading(_ query: String, db: Database) throws -> Plan.Reading? {
        let tokenizer = try TokenizerSettings.makeTokenizer(db)
        let concepts = (try? conceptMap(db, paths: IndexPaths(indexPath: index.path))) ?? ConceptMap(concepts: [])
        let plan = try Self.plan(
            SearchRequest(query: query, match: .any), db: db, tokenizer: tokenizer, concepts: concepts,
            languages: try cache.languages { try Self.stemmedLanguages(db) })
        return plan.readings.last
    }
}
