import GRDB

/// Which file each document id went to in one ingest, so that a second file (or a second line) with the same id
/// is reported as a duplicate rather than overwriting the first.
///
/// Ids are kept in a temporary table, not in memory, so that an ingest of millions of records stays small:
///
/// ```sql
/// CREATE TEMP TABLE "claims" ("id" TEXT PRIMARY KEY, "path" TEXT NOT NULL, "line" INTEGER NOT NULL) WITHOUT ROWID
/// ```
///
/// In an index that was empty when the ingest began, every document row was written by this ingest, so the
/// `documents` table itself says who claimed an id and the temporary table is not needed.
struct Claims {
    let db: Database
    /// The index had no documents when the ingest began.
    let fresh: Bool

    init(_ db: Database) throws {
        self.db = db
        fresh = !(try Bool.fetchOne(db, sql: #"SELECT EXISTS (SELECT 1 FROM "documents")"#) ?? false)
        try db.execute(sql: #"""
            CREATE TEMP TABLE IF NOT EXISTS "claims" ("id" TEXT PRIMARY KEY, "path" TEXT NOT NULL, "line" INTEGER NOT NULL) WITHOUT ROWID;
            DELETE FROM temp."claims";
            """#)
    }

    /// The file (absolute path) and line that claimed `id` earlier in this ingest, when not `fresh`.
    func holder(of id: String) throws -> (path: String, line: Int)? {
        guard !fresh else { return nil }
        let row = try Row.fetchOne(
            db.cachedStatement(sql: #"SELECT "path", "line" FROM temp."claims" WHERE "id" = ?"#), arguments: [id])
        return row.map { ($0["path"], $0["line"]) }
    }

    func claim(_ id: String, path: String, line: Int) throws {
        guard !fresh else { return }
        try db.cachedStatement(sql: #"INSERT INTO temp."claims" ("id", "path", "line") VALUES (?, ?, ?)"#)
            .execute(arguments: [id, path, line])
    }

    /// Empties the table, so that the next ingest on this connection starts clean.
    func clear() throws {
        try db.execute(sql: #"DELETE FROM temp."claims""#)
    }
}
