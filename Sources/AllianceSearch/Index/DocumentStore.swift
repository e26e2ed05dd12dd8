import GRDB

/// The SQL on the `documents` table that ingest needs. The FTS5 table follows through its triggers.
enum DocumentStore {
    /// What the index holds of a document, to compare with a new reading.
    struct Stored {
        var storedPath: String
        var line: Int
        var contentHash: String
    }

    /// `SELECT "path", "line", "content_hash" FROM "documents" WHERE "id" = ?`
    static func find(_ db: Database, id: String) throws -> Stored? {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: #"SELECT "path", "line", "content_hash" FROM "documents" WHERE "id" = ?"#),
            arguments: [id])
        return row.map { Stored(storedPath: $0["path"], line: $0["line"], contentHash: $0["content_hash"]) }
    }

    /// The ids of the documents read from one file that no file claimed in this ingest (`Claims`), in id order.
    static func unclaimedIDs(_ db: Database, storedPath: String) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(sql: #"""
                SELECT "id" FROM "documents" WHERE "path" = ? AND "id" NOT IN (SELECT "id" FROM temp."claims")
                ORDER BY "id"
                """#),
            arguments: [storedPath])
    }

    static func count(_ db: Database, storedPath: String) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: #"SELECT count(*) FROM "documents" WHERE "path" = ?"#), arguments: [storedPath]) ?? 0
    }

    /// Deletes every document of one file; returns how many there were.
    static func deleteAll(_ db: Database, storedPath: String) throws -> Int {
        try db.execute(sql: #"DELETE FROM "documents" WHERE "path" = ?"#, arguments: [storedPath])
        return db.changesCount
    }

    static func delete(_ db: Database, id: String) throws {
        try db.execute(sql: #"DELETE FROM "documents" WHERE "id" = ?"#, arguments: [id])
    }

    static func insert(_ db: Database, _ document: PreparedDocument, storedPath: String, at timestamp: String) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO "documents" ("type", "title", "aliases", "issues", "body", "khmer", "stemming", "path",
                    "line", "metadata", "content_hash", "indexed_at", "id")
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: values(document, storedPath: storedPath, at: timestamp))
    }

    static func update(_ db: Database, _ document: PreparedDocument, storedPath: String, at timestamp: String) throws {
        try db.cachedStatement(
            sql: """
                UPDATE "documents" SET "type" = ?, "title" = ?, "aliases" = ?, "issues" = ?, "body" = ?, "khmer" = ?,
                    "stemming" = ?, "path" = ?, "line" = ?, "metadata" = ?, "content_hash" = ?, "indexed_at" = ?
                WHERE "id" = ?
                """
        ).execute(arguments: values(document, storedPath: storedPath, at: timestamp))
    }

    /// The columns in the order of the INSERT and UPDATE statements; the id comes last, for the WHERE clause.
    private static func values(_ prepared: PreparedDocument, storedPath: String, at timestamp: String) -> StatementArguments {
        let document = prepared.document
        return [
            document.type, document.title, document.aliases.joined(separator: "\n"),
            document.issues.joined(separator: "\n"), document.body, prepared.khmer, prepared.stemming, storedPath,
            document.line, prepared.metadataJSON, prepared.contentHash, timestamp, document.id,
        ]
    }
}
