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

        public init(roots: [String], indexPath: String, rebuild: Bool = false) {
            self.roots = roots
            self.indexPath = indexPath
            self.rebuild = rebuild
        }
    }

    /// The folder ingested when none is named and the index records none.
    public static let defaultCorpus = "corpus"

    /// Runs an ingest.
    ///
    /// - Parameter progress: Called from time to time while files are read.
    /// - Returns: The counts and the per-file errors. Errors in documents do not throw: they are in the report.
    /// - Throws: `CorpusError` when a named root does not exist, `IndexError` when the index cannot be written.
    public static func run(_ options: Options, progress: ((IngestProgress) -> Void)? = nil) throws -> IngestReport {
        let start = Date()
        let path = options.indexPath
        let paths = IndexPaths(indexPath: path)
        for root in options.roots where !FileManager.default.fileExists(atPath: root) {
            throw CorpusError(path: root, message: "no such file or folder")
        }

        var recorded: [String] = []
        var rebuildReason: String? = options.rebuild ? "--rebuild was asked for" : nil
        var previousIndex = false
        if SearchIndex.exists(at: path) {
            do {
                let settings = try SearchIndex.recordedSettings(at: path)
                previousIndex = true
                recorded = settings.roots.map(paths.absolute).filter { FileManager.default.fileExists(atPath: $0) }
                if settings.schemaVersion > IndexSchema.version && !options.rebuild {
                    throw IndexError.newerSchema(path: path, found: settings.schemaVersion, supported: IndexSchema.version)
                }
                rebuildReason = rebuildReason ?? settings.rebuildReason
            } catch IndexError.corrupt(_, _) where options.rebuild {
                // A damaged index is replaced when a rebuild is asked for; a foreign file never is.
            }
        } else {
            rebuildReason = "there was no index"
        }

        // Recorded roots are used when none are named, and kept when this build rebuilds an index that an older
        // one made; a recorded folder that has gone is skipped, not emptied.
        var roots = options.roots.map(CorpusScanner.absolutePath)
        if roots.isEmpty {
            roots = recorded.isEmpty ? [CorpusScanner.absolutePath(defaultCorpus)] : recorded
        } else if rebuildReason != nil && !options.rebuild {
            roots += recorded
        }
        roots = Array(Set(roots)).sorted()
        let scan = try CorpusScanner.scan(roots: roots)

        var report: IngestReport
        if let reason = rebuildReason {
            report = try rebuild(at: path, paths: paths, roots: roots, scan: scan, keepingFrom: previousIndex, progress: progress)
            if report.documentCount > 0 || report.errors.isEmpty || previousIndex { report.rebuildReason = reason }
        } else {
            let index = try SearchIndex.openForWriting(at: path)
            report = try index.write { db in
                var run = Run(db: db, paths: paths, scan: scan, roots: roots, progress: progress)
                try run.ingest()
                var settings = try IndexSettings.fetch(db) ?? .current(roots: [], now: now())
                settings.roots = Array(Set(settings.roots + roots.map(paths.stored))).sorted()
                settings.updatedAt = now()
                try settings.save(db)
                run.report.documentCount = try Int.fetchOne(db, sql: #"SELECT count(*) FROM "documents""#) ?? 0
                return run.report
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// Builds a complete index in a new file beside `path`, then renames it over `path`.
    ///
    /// Files that cannot be read keep the documents the previous index had for them, so that a rebuild (asked for,
    /// or forced by a new version) never loses what a broken file used to hold. A first build that could read no
    /// document at all writes no index: there would be nothing in it, and it would hide `corpus/` from later runs.
    private static func rebuild(
        at path: String, paths: IndexPaths, roots: [String], scan: CorpusScanner.Scan, keepingFrom hasPrevious: Bool,
        progress: ((IngestProgress) -> Void)?
    ) throws -> IngestReport {
        removeAbandonedRebuilds(of: path)
        let temporary = "\(path).rebuild-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            let previous = hasPrevious ? try? SearchIndex.recordedSettings(at: path) : nil
            let index = try SearchIndex.openForWriting(at: temporary)
            let report = try index.write { db in
                var run = Run(db: db, paths: paths, scan: scan, roots: roots, progress: progress)
                try run.ingest()
                if previous != nil, !run.failedPaths.isEmpty {
                    try copyDocuments(of: run.failedPaths, from: path, paths: paths, into: db)
                }
                try IndexSettings.current(roots: roots.map(paths.stored), now: now()).save(db)
                run.report.documentCount = try Int.fetchOne(db, sql: #"SELECT count(*) FROM "documents""#) ?? 0
                return run.report
            }
            try index.queue.close()
            if report.documentCount == 0 && !report.errors.isEmpty && !hasPrevious {
                var unwritten = report
                unwritten.errors.append(CorpusError(
                    path: DisplayPath.relative(roots.joined(separator: ", ")),
                    message: "no document could be read, so no index was written"))
                for suffix in ["", "-journal"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
                return unwritten
            }
            // A leftover rollback journal belongs to the file being replaced; applied to the new one it would corrupt it.
            for suffix in ["-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            guard Foundation.rename(temporary, path) == 0 else {
                throw IndexError.io(path: path, detail: "cannot move the rebuilt index into place: \(String(cString: strerror(errno)))")
            }
            return report
        } catch {
            for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
            if case IndexError.diskFull = error { throw IndexError.diskFull(path: path) }
            throw error
        }
    }

    /// Copies the documents of `files` from the index at `path` into `db`, where `db` has none of their ids yet.
    ///
    /// `INSERT INTO "documents" (…) VALUES (…)` for each row of `SELECT … FROM "documents" WHERE "path" = ?`
    private static func copyDocuments(of files: [String], from path: String, paths: IndexPaths, into db: Database) throws {
        let columns = ["id", "type", "title", "aliases", "issues", "body", "path", "line", "metadata", "content_hash", "indexed_at"]
        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        guard let old = try? SearchIndex.openForReading(at: path) else { return }
        for file in files {
            let rows = (try? old.read { db in
                try Row.fetchAll(db, sql: "SELECT \(list) FROM \"documents\" WHERE \"path\" = ?", arguments: [paths.stored(file)])
            }) ?? []
            for row in rows {
                let taken = try Bool.fetchOne(db, sql: #"SELECT EXISTS (SELECT 1 FROM "documents" WHERE "id" = ?)"#, arguments: [row["id"]]) ?? false
                if taken { continue }
                try db.execute(
                    sql: "INSERT INTO \"documents\" (\(list)) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))",
                    arguments: StatementArguments(columns.map { row[$0] as DatabaseValue }))
            }
        }
    }

    /// Removes the files of rebuilds whose process is gone (killed before it could clean up).
    private static func removeAbandonedRebuilds(of path: String) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent + ".rebuild-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(prefix) {
            let pidText = name.dropFirst(prefix.count).prefix { $0.isNumber }
            guard let pid = Int32(pidText), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    /// Tells whether the files under the index's roots differ from its manifest, by size, date and presence.
    ///
    /// It reads no file contents, so it is cheap enough to run before every query. A root that no longer exists, or
    /// that lists no file although the index has files from it (an unmounted drive), is not counted as deleted.
    ///
    /// - Returns: A description of the change, or `nil` when the index is up to date.
    public static func staleness(of index: SearchIndex) throws -> String? {
        let paths = IndexPaths(indexPath: index.path)
        let settings = try index.settings()
        let roots = settings.roots.map(paths.absolute).filter { FileManager.default.fileExists(atPath: $0) }
        guard !roots.isEmpty else { return nil }
        let manifest = try index.read { db in try Manifest.entries(db, paths: paths, under: roots) }
        let scan = try CorpusScanner.scan(roots: roots)
        let emptyRoots = roots.filter { root in !scan.files.contains { IndexPaths.isPath($0.path, under: root) } }
        var added = 0, changed = 0
        for file in scan.files {
            guard let entry = manifest[file.path] else { added += 1; continue }
            if entry.size != file.size || entry.modifiedAt != file.modifiedAt { changed += 1 }
        }
        let scanned = Set(scan.files.map(\.path))
        let removed = manifest.keys.filter { path in
            !scanned.contains(path) && !emptyRoots.contains { IndexPaths.isPath(path, under: $0) }
        }.count
        guard added + changed + removed > 0 else { return nil }
        return "\(added) new, \(changed) changed and \(removed) deleted file(s)"
    }

    static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
