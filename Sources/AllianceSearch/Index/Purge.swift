import Foundation
import GRDB

/// Removes documents from an index so that none of their text is left in the index file or beside it.
///
/// Deleting a row is not enough for sensitive text. SQLite leaves deleted cells and freed pages as they were, and
/// FTS5 only records a delete: the document's terms stay in the older segments until they are merged. SQLite
/// 3.40's FTS5 has no `secure-delete` option. So a purge, holding the index's `WriterLock`, on one connection
/// with `PRAGMA secure_delete = ON`, after SQLite's quick check has found the file whole:
///
/// ```sql
/// BEGIN IMMEDIATE;
/// DELETE FROM "documents" WHERE "id" = ?;                -- the trigger deletes it from FTS5 too
/// INSERT OR REPLACE INTO "index_settings" ("key", "value") VALUES ('scrub_pending', ?);
/// COMMIT;
/// ```
///
/// then scrubs the file (`Scrub`: FTS5 `optimize`, `VACUUM`, an emptied write-ahead log) and clears the marker. A
/// purge that is interrupted after its commit leaves the marker: the next purge (of any id), ingest or
/// `--check --repair` finishes the scrub, and `--check` reports it.
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
        /// When a scrub left unfinished by an earlier run was finished by this one: the time it was recorded.
        public var finishedScrubFrom: String?
        /// The index file's size before and after.
        public var bytesBefore: Int64 = 0
        public var bytesAfter: Int64 = 0
    }

    /// Purges the documents with `ids` from the index at `indexPath`.
    ///
    /// - Parameters:
    ///   - notice: Told when the purge waits for another process writing the index.
    ///   - patience: How long the scrub waits for readers to let go of the old pages (default 30 s).
    /// - Throws: `IndexError` when the index cannot be opened or written; nothing was changed then. When the
    ///   documents were removed but the scrub could not finish, `IndexError.scrubUnfinished`, which says so.
    public static func run(
        ids: [String], indexPath: String, notice: ((String) -> Void)? = nil, patience: TimeInterval? = nil
    ) throws -> Report {
        guard try IndexLocation.state(of: indexPath) == .file else { throw IndexError.missing(path: indexPath) }
        let lock = try WriterLock.acquire(for: indexPath, waiting: true, notice: notice)
        defer { lock?.release() }
        // A stopped rebuild's file holds a copy of the documents: it goes first.
        RebuildLeftovers.remove(beside: indexPath)
        let settings = try SearchIndex.recordedSettings(at: indexPath)
        if settings.schemaVersion > IndexSchema.version {
            throw IndexError.newerSchema(path: indexPath, found: settings.schemaVersion, supported: IndexSchema.version)
        }
        var report = Report()
        report.bytesBefore = fileSize(indexPath)
        let index = try SearchIndex.openForWriting(at: indexPath)
        defer { try? index.queue.close() }
        try Scrub.overwriteDeletedContent(index)
        try index.writeOrNothing { db in
            report.finishedScrubFrom = try Scrub.pendingSince(db)
            try delete(ids, from: db, paths: IndexPaths(indexPath: indexPath), into: &report)
            if !report.purged.isEmpty { try Scrub.markPending(db) }
        }
        if !report.purged.isEmpty || report.finishedScrubFrom != nil { try Scrub.run(index, patience: patience ?? Scrub.defaultPatience) }
        try index.queue.close()
        report.bytesAfter = fileSize(indexPath)
        return report
    }

    /// Deletes the documents with `ids` that `db` holds, recording what was found in `report`.
    private static func delete(_ ids: [String], from db: Database, paths: IndexPaths, into report: inout Report) throws {
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

    private static func fileSize(_ path: String) -> Int64 {
        if case .regular(let size) = FileKind.at(path) { return size }
        return 0
    }
}
