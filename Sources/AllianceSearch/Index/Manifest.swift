import GRDB

/// The `sources` table: one row per source file ingest has seen, with what it takes to tell whether it changed.
enum Manifest {
    /// What the index knows of one source file.
    struct Entry {
        var size: Int64
        var modifiedAt: Double
        /// The hash of the bytes last indexed; `nil` when the file had errors and must be read again.
        var contentHash: String?
        var hasErrors: Bool
    }

    /// The entries whose file lies under one of `roots`, keyed by absolute path.
    ///
    /// `SELECT "path", "size", "modified_at", "content_hash", "has_errors" FROM "sources"`
    static func entries(_ db: Database, paths: IndexPaths, under roots: [String]) throws -> [String: Entry] {
        var entries: [String: Entry] = [:]
        let rows = try Row.fetchCursor(
            db, sql: #"SELECT "path", "size", "modified_at", "content_hash", "has_errors" FROM "sources""#)
        while let row = try rows.next() {
            let path = paths.absolute(row["path"])
            guard roots.contains(where: { CorpusScanner.isPath(path, under: $0) }) else { continue }
            entries[path] = Entry(
                size: row["size"], modifiedAt: row["modified_at"], contentHash: row["content_hash"],
                hasErrors: row["has_errors"])
        }
        return entries
    }

    /// Records what was seen of `file`.
    static func save(_ db: Database, storedPath: String, file: SourceFile, contentHash: String?, hasErrors: Bool) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO "sources" ("path", "size", "modified_at", "content_hash", "has_errors") VALUES (?, ?, ?, ?, ?)
                ON CONFLICT ("path") DO UPDATE SET "size" = excluded."size", "modified_at" = excluded."modified_at",
                    "content_hash" = excluded."content_hash", "has_errors" = excluded."has_errors"
                """
        ).execute(arguments: [storedPath, file.size, file.modifiedAt, contentHash, hasErrors])
    }

    static func delete(_ db: Database, storedPath: String) throws {
        try db.execute(sql: #"DELETE FROM "sources" WHERE "path" = ?"#, arguments: [storedPath])
    }
}
