import Foundation
import GRDB

/// Builds and updates an index from folders and files of documents.
///
/// An ingest runs in one write transaction: the index a reader sees is the one before it or the one after it,
/// never a mix, and a failure or an interrupted run leaves the previous index as it was. A rebuild writes a new file
/// beside the index and renames it into place only once it is complete.
///
/// The manifest (`sources`) makes the work incremental. A file whose size and modification time are unchanged is
/// not read; one whose bytes hash the same is not parsed; a changed file's documents are compared one by one by
/// their content hash. A file that vanished from under an ingested folder loses its documents. A file that fails
/// to read keeps the documents it had, and is read again on the next run.
public enum Ingester {
    /// What to ingest, and where.
    public struct Options: Sendable {
        /// Folders and files to read; empty means the folders recorded in the index, or `corpus/` for a new one.
        public var roots: [String]
        public var indexPath: String
        /// Start over: build a new index from `roots` alone.
        public var rebuild: Bool
        /// Removed and replaced documents leave no text behind in the index file (`Purge`): slower, for sensitive
        /// material.
        public var secure: Bool
        /// Follow links inside the roots to files outside them (`--follow-links`). Recorded in the index, so later
        /// ingests and refreshes list the same files; a rebuild records what it is given.
        public var followLinks: Bool
        /// Wait for another process writing the index; otherwise give up at once with `IndexError.locked` (the
        /// update a query runs, which must never hold up a scheduled ingest).
        public var waitForWriters: Bool

        public init(
            roots: [String], indexPath: String, rebuild: Bool = false, secure: Bool = false, followLinks: Bool = false,
            waitForWriters: Bool = true
        ) {
            self.roots = roots
            self.indexPath = indexPath
            self.rebuild = rebuild
            self.secure = secure
            self.followLinks = followLinks
            self.waitForWriters = waitForWriters
        }
    }

    /// The folder ingested when none is named and the index records none.
    public static let defaultCorpus = "corpus"

    /// Runs an ingest, holding the index's `WriterLock` throughout.
    ///
    /// - Parameters:
    ///   - notice: Told, once, when the ingest waits for another process writing the index.
    ///   - progress: Called from time to time while files are read.
    /// - Returns: The counts and the per-file errors. Errors in documents do not throw: they are in the report.
    /// - Throws: `CorpusError` when a named root does not exist, `IndexError` when the index cannot be written.
    public static func run(
        _ options: Options, notice: ((String) -> Void)? = nil, progress: ((IngestProgress) -> Void)? = nil
    ) throws -> IngestReport {
        let start = Date()
        _ = try IndexLocation.state(of: options.indexPath)
        for root in options.roots where !FileManager.default.fileExists(atPath: root) {
            throw CorpusError(path: root, message: "no such file or folder")
        }
        guard let lock = try WriterLock.acquire(for: options.indexPath, waiting: options.waitForWriters, notice: notice) else {
            throw IndexError.locked(path: options.indexPath)
        }
        defer { lock.release() }
        // Every rebuild runs under the lock: any rebuild file found now was left by one that was killed.
        RebuildLeftovers.remove(beside: options.indexPath)
        let plan = try Plan(options)
        var report: IngestReport
        if let reason = plan.rebuildReason {
            report = try rebuild(plan, progress: progress)
            if report.documentCount > 0 || report.errors.isEmpty || plan.recorded != nil { report.rebuildReason = reason }
        } else {
            report = try update(plan, options: options, progress: progress)
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// Updates the index in place, in one transaction, then scrubs it when `secure` removed or replaced text, or
    /// when an earlier purge left a scrub unfinished (not in a query's update, which must not wait for readers).
    ///
    /// A scrub that cannot finish does not undo the update, which is committed: it is in the report
    /// (`scrubFailure`), and stays recorded for the next run.
    private static func update(_ plan: Plan, options: Options, progress: ((IngestProgress) -> Void)?) throws -> IngestReport {
        let secure = options.secure
        let index = try SearchIndex.openForWriting(at: plan.path, checkingLater: true)
        defer { try? index.queue.close() }
        if secure { try Scrub.overwriteDeletedContent(index) }
        var pending: String?
        var report = try index.writeOrNothing { db in
            pending = options.waitForWriters ? try Scrub.pendingSince(db) : nil
            var run = Run(db: db, paths: plan.paths, scan: plan.scan, roots: plan.present, progress: progress)
            run.beforeFirstWrite = index.quickCheck
            // A scrub left pending is work: the file is checked before it is rewritten.
            if pending != nil { try run.willWrite() }
            try run.ingest()
            let stored = try IndexSettings.fetch(db) ?? .current(roots: [], now: now())
            var settings = stored
            settings.roots = Array(Set(settings.roots + plan.recordable.map(plan.paths.stored))).sorted()
            settings.followLinks = plan.followLinks
            if run.wrote || settings != stored {
                try run.willWrite()
                settings.updatedAt = now()
                try settings.save(db)
            }
            if secure && run.report.removed + run.report.updated > 0 { try Scrub.markPending(db) }
            run.report.documentCount = try Int.fetchOne(db, sql: #"SELECT count(*) FROM "documents""#) ?? 0
            return run.report
        }
        if pending != nil || (secure && report.removed + report.updated > 0) {
            do {
                try Scrub.run(index)
                report.finishedScrubFrom = pending
            } catch let failure as IndexError {
                report.scrubFailure = failure
            }
        }
        return report
    }

    static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
