import Foundation
import GRDB

/// Removes documents from an index so that none of their text is left in the index file or beside it.
///
/// Deleting a row is not enough for sensitive text. SQLite leaves deleted cells and freed pages as they were, and
/// FTS5 only records a delete: the document's terms stay in the older segments until they are merged. SQLite
/// 3.40's FTS5 has no `secure-delete` option. So a purge, on one connection:
///
/// ```sql
/// PRAGMA secure_delete = ON;                        -- deleted cells and freed pages are overwritten with zeros
/// BEGIN;
/// DELETE FROM "documents" WHERE "id" = ?;           -- the trigger deletes it from FTS5 too
/// INSERT INTO "documents_fts"("documents_fts") VALUES ('optimize');  -- one new segment, without its terms
/// COMMIT;                                           -- the rollback journal, holding the old pages, is deleted
/// VACUUM;                                           -- the file is rewritten: no free page is left
/// ```
///
/// A document whose source file still holds it is indexed again when that file changes or the index is rebuilt;
/// the report names those files, so that the text can be removed there too.
public enum Purge {
    /// What a purge did.
    public struct Report: Sendable, Equatable {
        /// The ids removed.
        public var purged: [String] = []
        /// The ids the index did not have.
        public var unknown: [String] = []
        /// Source files that still exist and held a purged document: `path:line` as shown to users.
        public var sources: [String] = []
        /// The index file's size before and after.
        public var bytesBefore: Int64 = 0
        public var bytesAfter: Int64 = 0
    }

    /// Purges the documents with `ids` from the index at `indexPath`.
    ///
    /// - Throws: `IndexError` when the index cannot be opened or written.
    public static func run(ids: [String], indexPath: String) throws -> Report {
        try SearchIndex.refuseFolder(indexPath)
        guard SearchIndex.exists(at: indexPath) else { throw IndexError.missing(path: indexPath) }
        let settings = try SearchIndex.recordedSettings(at: indexPath)
        if settings.schemaVersion > IndexSchema.version {
            throw IndexError.newerSchema(path: indexPath, found: settings.schemaVersion, supported: IndexSchema.version)
        }
        var report = Report()
        report.bytesBefore = fileSize(indexPath)
        let index = try SearchIndex.openForWriting(at: indexPath)
        let paths = IndexPaths(indexPath: indexPath)
        try secureDelete(index)
        try index.write { db in
            var seen = Set<String>()
            for id in ids where seen.insert(id).inserted {
                guard let stored = try DocumentStore.find(db, id: id) else {
                    report.unknown.append(id)
                    continue
                }
                try DocumentStore.delete(db, id: id)
                report.purged.append(id)
                let source = paths.absolute(stored.storedPath)
                if FileManager.default.fileExists(atPath: source) {
                    report.sources.append("\(DisplayPath.relative(source)):\(stored.line)")
                }
            }
        }
        if !report.purged.isEmpty { try scrub(index) }
        try index.queue.close()
        report.bytesAfter = fileSize(indexPath)
        return report
    }

    /// Makes SQLite overwrite deleted content with zeros on this connection (outside any transaction).
    static func secureDelete(_ index: SearchIndex) throws {
        try index.queue.inDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
    }

    /// Leaves no trace of deleted documents: FTS5 merges its segments into one (dropping what was deleted), then
    /// the file is rewritten by `VACUUM`, and a write-ahead log, if any, is emptied.
    static func scrub(_ index: SearchIndex) throws {
        do {
            try index.queue.inDatabase { db in
                try db.execute(sql: "PRAGMA secure_delete = ON")
                try db.inTransaction {
                    try db.execute(sql: #"INSERT INTO "documents_fts"("documents_fts") VALUES ('optimize')"#)
                    return .commit
                }
                try db.execute(sql: "VACUUM")
                if try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal" {
                    try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                }
            }
        } catch {
            throw IndexError.translating(error, path: index.path)
        }
    }

    private static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
}
