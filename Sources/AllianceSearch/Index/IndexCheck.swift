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
public enum IndexCheck {
    public struct Report: Sendable, Equatable {
        /// What is wrong, one line each; empty for a sound index.
        public var problems: [String] = []
        /// Checks that could not run here, one line each, with what to do: not damage, but not a clean bill either.
        public var unchecked: [String] = []
        public var documents = 0
        public var seconds = 0.0
        public var isSound: Bool { problems.isEmpty && unchecked.isEmpty }
    }

    /// Checks the index at `indexPath`.
    ///
    /// - Throws: `IndexError` when it cannot be opened at all: missing, not an index, or unreadable. Damage found
    ///   once it is open is in the report, not thrown.
    public static func run(indexPath: String) throws -> Report {
        let start = Date()
        var report = Report()
        let index = try SearchIndex.openUnchecked(at: indexPath)
        // FTS5's check is an INSERT, even though it is rolled back: it needs a read-write connection. An index on
        // read-only media gets the checks that can run, and a note that this one could not.
        var queue = index.queue
        if FileManager.default.isWritableFile(atPath: indexPath),
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
                if let settings = try IndexSettings.fetch(db) {
                    if let reason = settings.rebuildReason { note("out of date: \(reason)") }
                } else {
                    note("its settings are missing")
                }
            } catch {
                note("cannot read its tables: \(error)")
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }
}
