import Foundation
import GRDB

/// `alliance-ingest --check`: whether an index is whole, by SQLite's and FTS5's own checks and ours.
///
/// ```sql
/// PRAGMA integrity_check;                                                         -- pages, cells, indexes
/// INSERT INTO "documents_fts"("documents_fts", "rank") VALUES ('integrity-check', 1);  -- the FTS5 index against its content
/// ```
///
/// With `rank` 1, FTS5 tokenizes every document again through the content view and compares the tokens with the
/// index, so a row that the triggers failed to mirror is found too. Both run in a transaction that is rolled
/// back: the check writes nothing.
///
/// It also reports a scrub that a purge did not finish (`Scrub`), which `--repair` finishes, and removes the file a
/// rebuild that was killed left beside the index (`RebuildLeftovers`), as any open does. Damage is not repaired: a
/// damaged index is rebuilt from its documents.
public enum IndexCheck {
    public struct Report: Sendable, Equatable {
        /// Damage, one line each; empty for a sound index. Only a rebuild mends it.
        public var problems: [String] = []
        /// What an interrupted run left undone, one line each: `--repair` finishes it.
        public var unfinished: [String] = []
        /// What was tidied, or could not be, beside the index (a stopped rebuild's file): not the index's state.
        public var notes: [String] = []
        /// What `--repair` did, one line each.
        public var repaired: [String] = []
        /// Checks that could not run here, one line each, with what to do: not damage, but not a clean bill either.
        public var unchecked: [String] = []
        public var documents = 0
        public var seconds = 0.0
        public var isSound: Bool { problems.isEmpty && unfinished.isEmpty && unchecked.isEmpty }
    }

    /// Checks the index at `indexPath`; with `repair`, first finishes what an interrupted run left undone, holding
    /// the index's `WriterLock` (waiting for a writer, and saying so through `notice`).
    ///
    /// - Throws: `IndexError` when it cannot be opened at all: missing, not an index, or unreadable; with `repair`,
    ///   when what is unfinished cannot be finished (a damaged index: rebuild it). Damage found once it is open is
    ///   in the report, not thrown.
    public static func run(indexPath: String, repair: Bool = false, notice: ((String) -> Void)? = nil) throws -> Report {
        let start = Date()
        var report = Report()
        guard try IndexLocation.state(of: indexPath) == .file else { throw IndexError.missing(path: indexPath) }
        // Held throughout, so that no rebuild renames another file into place while the check's read-write
        // connection is open (closing, it would remove the new file's log). Where it cannot be made (a read-only
        // folder), nothing can write the index from here either: the check runs read-only. Either way, no rebuild
        // runs now, so a rebuild's file beside the index was left by one that was stopped.
        let lock: WriterLock?
        do {
            lock = try WriterLock.acquire(for: indexPath, waiting: true, notice: notice)
        } catch where !repair {
            lock = nil
        }
        defer { lock?.release() }
        if repair { report.repaired = try finishUnfinished(indexPath: indexPath) }
        for leftover in RebuildLeftovers.find(beside: indexPath) {
            let name = DisplayPath.relative(leftover.path)
            if lock != nil, (try? IndexLocation.removeFile(leftover.path)) != nil {
                report.notes.append("removed \(name) (\(leftover.size) bytes), left by a rebuild that was stopped")
            } else {
                report.notes.append("a rebuild that was stopped left \(name) (\(leftover.size) bytes), which cannot be removed from here; delete it")
            }
        }
        let index = try SearchIndex.openUnchecked(at: indexPath)
        // FTS5's check is an INSERT, even though it is rolled back: it needs a read-write connection. An index on
        // read-only media gets the checks that can run, and a note that this one could not.
        var queue = index.queue
        if lock != nil, FileManager.default.isWritableFile(atPath: indexPath),
            let writable = try? DatabaseQueue(path: indexPath, configuration: SearchIndex.configuration)
        {
            try? index.queue.close()
            queue = writable
        }
        let readOnly = queue === index.queue
        defer { try? queue.close() }
        func note(_ problem: String) { report.problems.append(problem) }
        queue.inDatabase { db in
            do {
                let lines = try String.fetchAll(db, sql: "PRAGMA integrity_check(20)")
                if lines != ["ok"] { for line in lines { note("SQLite integrity_check: \(line)") } }
            } catch {
                note("SQLite integrity_check could not run: \(error)")
            }
            do {
                try db.inTransaction {
                    try db.execute(sql: #"INSERT INTO "documents_fts"("documents_fts", "rank") VALUES ('integrity-check', 1)"#)
                    return .rollback
                }
            } catch where readOnly {
                report.unchecked.append("FTS5 integrity-check could not run: it needs write access (though it writes nothing), and the index is read-only here; copy it to writable storage to run it")
            } catch {
                note("FTS5 integrity-check: \((error as? DatabaseError)?.message ?? "\(error)")")
            }
            do {
                report.documents = try Int.fetchOne(db, sql: #"SELECT count(*) FROM "documents""#) ?? 0
                let indexed = try IndexSchema.documentCount(db)
                if indexed != report.documents {
                    note("the FTS5 index counts \(indexed) documents, the documents table \(report.documents)")
                }
                if let since = try Scrub.pendingSince(db) {
                    report.unfinished.append("a purge or --secure ingest did not finish scrubbing the file (recorded \(since)): the text of the documents it removed may still be in it")
                }
                if let settings = try IndexSettings.fetch(db) {
                    if let reason = settings.rebuildReason { note("out of date: \(reason)") }
                } else {
                    note("its settings are missing")
                }
            } catch let malformed as IndexSettings.Malformed {
                note(malformed.detail)
            } catch {
                note("cannot read its tables: \(error)")
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// Finishes a pending scrub and removes abandoned rebuild files; returns what it did.
    private static func finishUnfinished(indexPath: String) throws -> [String] {
        var done: [String] = []
        let index = try SearchIndex.openForWriting(at: indexPath)
        defer { try? index.queue.close() }
        if let since = try index.read({ db in try Scrub.pendingSince(db) }) {
            try Scrub.run(index)
            done.append("finished the scrub recorded \(since): no text of removed documents is left in the file")
        }
        return done
    }
}
