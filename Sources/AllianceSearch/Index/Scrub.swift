import Foundation
import GRDB
import GRDBSQLite

/// Rewrites an index file so that nothing of its deleted documents is left in it or beside it, and records, until
/// that is done, that it must be.
///
/// A purge (or a `--secure` ingest) first commits the delete, then scrubs:
///
/// ```sql
/// -- in the transaction that deletes the documents:
/// INSERT INTO "index_settings" ("key", "value") VALUES ('scrub_pending', ?)  -- the time
/// -- then, outside it, on a connection with PRAGMA secure_delete = ON:
/// INSERT INTO "documents_fts"("documents_fts") VALUES ('optimize');  -- one new segment, without their terms
/// VACUUM;                                                           -- every page rewritten, no free page left
/// PRAGMA wal_checkpoint(TRUNCATE);                                  -- the log copied into the file, then emptied
/// DELETE FROM "index_settings" WHERE "key" = 'scrub_pending';
/// PRAGMA wal_checkpoint(TRUNCATE);
/// ```
///
/// The marker makes an interrupted scrub (a kill, a full disk, a reader that would not let go) something the index
/// knows: `--check` reports it, and the next purge, ingest or `--check --repair` finishes it. In write-ahead-log
/// mode, `VACUUM` writes the new pages to the log and only the checkpoint overwrites the old ones in the file; a
/// checkpoint cannot pass a reader that still reads an older state, so it is retried for `patience` seconds, and
/// when a reader still holds on, the scrub fails saying so instead of reporting a success the file does not show.
enum Scrub {
    /// The `index_settings` key whose presence says a scrub is owed.
    static let pendingKey = "scrub_pending"

    /// How long a scrub waits, in all, for readers to let the checkpoint through.
    static let defaultPatience: TimeInterval = 30

    /// Records, inside the caller's transaction, that the index must be scrubbed.
    static func markPending(_ db: Database) throws {
        try db.execute(
            sql: #"INSERT OR REPLACE INTO "index_settings" ("key", "value") VALUES (?, ?)"#,
            arguments: [pendingKey, Ingester.now()])
    }

    /// When an unfinished scrub was recorded, or `nil` when none is owed.
    static func pendingSince(_ db: Database) throws -> String? {
        try String.fetchOne(db, sql: #"SELECT "value" FROM "index_settings" WHERE "key" = ?"#, arguments: [pendingKey])
    }

    /// Makes SQLite overwrite deleted content with zeros on this connection (outside any transaction).
    static func overwriteDeletedContent(_ index: SearchIndex) throws {
        try index.queue.inDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
    }

    /// Scrubs the index and clears the marker.
    ///
    /// - Throws: `IndexError.scrubUnfinished` saying why the text may still be there: what was deleted stays deleted,
    ///   and the marker stays for the next run.
    static func run(_ index: SearchIndex, patience: TimeInterval = defaultPatience) throws {
        do {
            try index.queue.inDatabase { db in
                try db.execute(sql: "PRAGMA secure_delete = ON")
                try db.inTransaction {
                    try db.execute(sql: #"INSERT INTO "documents_fts"("documents_fts") VALUES ('optimize')"#)
                    return .commit
                }
                try db.execute(sql: "VACUUM")
                try checkpoint(db, patience: patience)
                try db.execute(sql: #"DELETE FROM "index_settings" WHERE "key" = ?"#, arguments: [pendingKey])
                try checkpoint(db, patience: patience)
            }
        } catch let busy as ReadersHeldOn {
            throw IndexError.scrubUnfinished(
                path: index.path,
                reason: "another process (a search, alliance-serve or an SQLite tool) kept reading the index for \(Int(busy.seconds)) s, so its old pages could not be overwritten; stop it")
        } catch {
            // What the failed rewrite left in the log is given back where the disk allows it.
            try? index.queue.inDatabase { db in _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            let reason: String
            switch IndexError.translating(error, path: index.path) {
            case IndexError.diskFull:
                var size = 0
                if case .regular(let bytes) = FileKind.at(IndexLocation.writablePath(index.path)) { size = Int(bytes >> 20) + 1 }
                reason = "the disk is full; the scrub rewrites the whole file, and needs about \(size) MB free while it runs"
            case IndexError.locked: reason = "another process held the index locked; let it finish"
            case let other: reason = "the rewrite failed (\(other.localizedDescription))"
            }
            throw IndexError.scrubUnfinished(path: index.path, reason: reason)
        }
    }

    /// A checkpoint could not get past readers within the patience.
    struct ReadersHeldOn: Error {
        var seconds: TimeInterval
    }

    /// Copies the write-ahead log into the file and empties it, retrying while readers hold older states. A no-op
    /// in rollback-journal mode, where `VACUUM` itself wrote the file.
    private static func checkpoint(_ db: Database, patience: TimeInterval) throws {
        guard try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal" else { return }
        // Each attempt waits for readers through the busy handler: briefly, so that the patience is what bounds it.
        sqlite3_busy_timeout(db.sqliteConnection, 200)
        defer { sqlite3_busy_timeout(db.sqliteConnection, Int32(SearchIndex.busyTimeout * 1000)) }
        let start = Date()
        while true {
            // One row: busy (1 when a reader or writer stopped it), frames in the log, frames checkpointed.
            let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            if row?[0] as Int? == 0 { return }
            let waited = Date().timeIntervalSince(start)
            if waited >= patience { throw ReadersHeldOn(seconds: waited) }
            usleep(100_000)
        }
    }
}
