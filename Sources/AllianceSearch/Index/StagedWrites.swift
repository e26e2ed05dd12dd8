import GRDB

/// Writes new and changed documents a batch at a time: each is staged in a temporary table, and a batch moves
/// into `documents` in two statements.
///
/// ```sql
/// INSERT INTO "documents" (…) SELECT … FROM temp."staged" WHERE NOT "replaces" ORDER BY "rowid";
/// UPDATE "documents" SET "type" = s."type", … FROM temp."staged" AS s WHERE s."replaces" AND "documents"."id" = s."id";
/// ```
///
/// *Why.* Inside a transaction SQLite opens a statement savepoint for every statement that fires a trigger, and
/// FTS5 flushes its pending terms to a new segment at every savepoint (`xSavepoint`). Written a row at a time,
/// each document became a segment of its own, and FTS5 spent its time merging them: twice the time of
/// `INSERT … SELECT` into the same table. One statement per batch gives FTS5 one flush per batch, as the raw
/// `INSERT … SELECT` has.
struct StagedWrites {
    let db: Database
    /// Rows staged and not yet moved.
    private(set) var count = 0

    static let columns = [
        "type", "title", "aliases", "issues", "body", "khmer", "stemming", "path", "line", "metadata", "pages",
        "content_hash", "indexed_at", "id",
    ]

    /// The column list, quoted, as every statement here names it.
    private static let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
    private static let stageSQL = """
        INSERT INTO temp."staged" (\(list), "replaces") VALUES (\(Array(repeating: "?", count: columns.count + 1).joined(separator: ", ")))
        """
    private static let insertSQL = """
        INSERT INTO "documents" (\(list)) SELECT \(list) FROM temp."staged" WHERE NOT "replaces" ORDER BY "rowid"
        """
    private static let updateSQL = """
        UPDATE "documents" SET \(columns.filter { $0 != "id" }.map { "\"\($0)\" = s.\"\($0)\"" }.joined(separator: ", "))
        FROM temp."staged" AS s WHERE s."replaces" AND "documents"."id" = s."id"
        """

    init(_ db: Database) throws {
        self.db = db
        let definitions = Self.columns.map { "\"\($0)\"" + ($0 == "id" ? " TEXT NOT NULL UNIQUE" : "") }.joined(separator: ", ")
        try db.execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS "staged" (\(definitions), "replaces" BOOLEAN NOT NULL);
            DELETE FROM temp."staged";
            """)
    }

    /// Stages `prepared`, read from `storedPath`: a new row, or (`replaces`) new values for the row of its id.
    mutating func stage(_ prepared: PreparedDocument, storedPath: String, at timestamp: String, replaces: Bool) throws {
        let document = prepared.document
        try db.cachedStatement(sql: Self.stageSQL).execute(arguments: [
            document.type, document.title, document.aliases.joined(separator: "\n"),
            document.issues.joined(separator: "\n"), document.body, prepared.khmer, prepared.stemming, storedPath,
            document.line, prepared.metadataJSON, document.pagesJSON, prepared.contentHash, timestamp, document.id, replaces,
        ])
        count += 1
    }

    /// Where a staged document with `id` was read: its stored path and line.
    func holder(of id: String) throws -> (storedPath: String, line: Int)? {
        guard count > 0 else { return nil }
        let row = try Row.fetchOne(
            db.cachedStatement(sql: #"SELECT "path", "line" FROM temp."staged" WHERE "id" = ?"#), arguments: [id])
        return row.map { ($0["path"], $0["line"]) }
    }

    /// Moves the staged rows into `documents`, in the order they were staged.
    mutating func flush() throws {
        guard count > 0 else { return }
        try db.cachedStatement(sql: Self.insertSQL).execute()
        try db.cachedStatement(sql: Self.updateSQL).execute()
        try db.cachedStatement(sql: #"DELETE FROM temp."staged""#).execute()
        count = 0
    }
}
