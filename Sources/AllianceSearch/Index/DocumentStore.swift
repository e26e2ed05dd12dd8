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

    /// Deletes the documents of one file that no file claimed in this ingest, in one statement (so that FTS5
    /// flushes once, `StagedWrites`); returns how many there were.
    static func deleteUnclaimed(_ db: Database, storedPath: String) throws -> Int {
        try db.execute(
            sql: #"DELETE FROM "documents" WHERE "path" = ? AND "id" NOT IN (SELECT "id" FROM temp."claims")"#,
            arguments: [storedPath])
        return db.changesCount
    }

    static func delete(_ db: Database, id: String) throws {
        try db.execute(sql: #"DELETE FROM "documents" WHERE "id" = ?"#, arguments: [id])
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
}
