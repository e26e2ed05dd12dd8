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
        var recorded: [String] = []
        var rebuildReason: String? = options.rebuild ? "--rebuild was asked for" : nil
        if FileManager.default.fileExists(atPath: path) {
            do {
                let settings = try SearchIndex.recordedSettings(at: path)
                recorded = settings.roots.filter { FileManager.default.fileExists(atPath: $0) }
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

        // Named roots must exist. Recorded ones are used when none are named, and kept when this build rebuilds an
        // index that an older one made; a recorded folder that has gone is skipped, not emptied.
        for root in options.roots where !FileManager.default.fileExists(atPath: root) {
            throw CorpusError(path: root, message: "no such file or folder")
        }
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
            report = try rebuild(at: path, roots: roots, scan: scan, progress: progress)
            report.rebuildReason = reason
        } else {
            let index = try SearchIndex.openForWriting(at: path)
            report = try index.write { db in
                var report = try ingest(scan, into: db, roots: roots, progress: progress)
                var settings = try IndexSettings.fetch(db) ?? .current(roots: [], now: now())
                settings.roots = Array(Set(settings.roots + roots)).sorted()
                settings.updatedAt = now()
                try settings.save(db)
                report.documentCount = try Int.fetchOne(db, sql: #"SELECT count(*) FROM "documents""#) ?? 0
                return report
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// Builds a complete index in a new file beside `path`, then renames it over `path`.
    private static func rebuild(
        at path: String, roots: [String], scan: CorpusScanner.Scan, progress: ((IngestProgress) -> Void)?
    ) throws -> IngestReport {
        let temporary = "\(path).rebuild-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            let index = try SearchIndex.openForWriting(at: temporary)
            let report = try index.write { db in
                var report = try ingest(scan, into: db, roots: roots, progress: progress)
                try IndexSettings.current(roots: roots, now: now()).save(db)
                report.documentCount = try Int.fetchOne(db, sql: #"SELECT count(*) FROM "documents""#) ?? 0
                return report
            }
            try index.queue.close()
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

    /// The manifest entry of one source file.
    private struct ManifestEntry {
        var size: Int64
        var modifiedAt: Double
        var contentHash: String?
        var hasErrors: Bool
    }

    /// Brings the documents of `roots` in `db` in line with `scan`. Runs inside the caller's transaction.
    private static func ingest(
        _ scan: CorpusScanner.Scan, into db: Database, roots: [String], progress: ((IngestProgress) -> Void)?
    ) throws -> IngestReport {
        var report = IngestReport()
        report.errors = scan.errors
        let timestamp = now()
        let manifest = try manifestEntries(db, under: roots)
        let scanned = Set(scan.files.map(\.path))

        // Files that are gone take their documents with them.
        for path in manifest.keys.sorted() where !scanned.contains(path) {
            try db.execute(sql: #"DELETE FROM "documents" WHERE "path" = ?"#, arguments: [path])
            report.removed += db.changesCount
            try db.execute(sql: #"DELETE FROM "sources" WHERE "path" = ?"#, arguments: [path])
        }

        // Progress is reported at most four times a second, between files and between a large file's documents.
        var lastProgress = Date()
        func tick(filesDone: Int) {
            guard let progress, Date().timeIntervalSince(lastProgress) > 0.25 else { return }
            lastProgress = Date()
            progress(IngestProgress(
                filesDone: filesDone, filesTotal: scan.files.count,
                documentsDone: report.added + report.updated + report.unchanged))
        }
        for (number, file) in scan.files.enumerated() {
            tick(filesDone: number)
            let display = DisplayPath.relative(file.path)
            let old = manifest[file.path]
            if let old, !old.hasErrors, old.size == file.size, old.modifiedAt == file.modifiedAt {
                report.unchanged += try documentCount(db, path: file.path)
                continue
            }
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file.path), options: .mappedIfSafe)
            } catch {
                report.errors.append(CorpusError(path: display, message: "cannot read: \(readFailure(error)); check its permissions"))
                try saveManifestEntry(db, file: file, contentHash: nil, hasErrors: true)
                continue
            }
            var hasher = ContentHasher()
            data.withUnsafeBytes { hasher.combine(bytes: $0) }
            let fileHash = hasher.hexDigest
            if let old, !old.hasErrors, old.contentHash == fileHash {
                report.unchanged += try documentCount(db, path: file.path)
                try saveManifestEntry(db, file: file, contentHash: fileHash, hasErrors: false)
                continue
            }

            let reading = DocumentReader.read(data, path: display, format: file.format, defaultID: file.defaultID)
            var errors = reading.errors
            let previousIDs = Set(try String.fetchAll(db, sql: #"SELECT "id" FROM "documents" WHERE "path" = ?"#, arguments: [file.path]))
            var currentIDs = Set<String>()
            for var document in reading.documents {
                tick(filesDone: number)
                document.path = file.path
                let stored = try Row.fetchOne(
                    db.cachedStatement(sql: #"SELECT "path", "line", "content_hash" FROM "documents" WHERE "id" = ?"#),
                    arguments: [document.id])
                guard let stored else {
                    try insert(document, into: db, at: timestamp)
                    currentIDs.insert(document.id)
                    report.added += 1
                    continue
                }
                let storedPath: String = stored["path"]
                let storedLine: Int = stored["line"]
                guard storedPath == file.path else {
                    errors.append(CorpusError(
                        path: display, line: document.line,
                        message: "duplicate id \"\(document.id)\": \(DisplayPath.relative(storedPath)):\(storedLine) already uses it; give one of them another id"))
                    continue
                }
                currentIDs.insert(document.id)
                if stored["content_hash"] == document.contentHash && storedLine == document.line {
                    report.unchanged += 1
                } else {
                    try update(document, in: db, at: timestamp)
                    report.updated += 1
                }
            }
            // Documents that left a file are removed, unless the file has errors: then what it had is kept.
            if errors.isEmpty {
                for id in previousIDs.subtracting(currentIDs).sorted() {
                    try db.execute(sql: #"DELETE FROM "documents" WHERE "id" = ?"#, arguments: [id])
                    report.removed += db.changesCount
                }
            }
            report.errors += errors
            try saveManifestEntry(db, file: file, contentHash: errors.isEmpty ? fileHash : nil, hasErrors: !errors.isEmpty)
        }
        progress?(IngestProgress(filesDone: scan.files.count, filesTotal: scan.files.count, documentsDone: report.added + report.updated + report.unchanged))
        return report
    }

    /// Tells whether the files under the index's roots differ from its manifest, by size, date and presence.
    ///
    /// It reads no file contents, so it is cheap enough to run before every query. A root that no longer exists is
    /// not counted as deleted: a moved or unmounted folder must not empty the index.
    ///
    /// - Returns: A description of the change, or `nil` when the index is up to date.
    public static func staleness(of index: SearchIndex) throws -> String? {
        let settings = try index.settings()
        let roots = settings.roots.filter { FileManager.default.fileExists(atPath: $0) }
        guard !roots.isEmpty else { return nil }
        let manifest = try index.read { db in try manifestEntries(db, under: roots) }
        let scan = try CorpusScanner.scan(roots: roots)
        var added = 0, changed = 0
        for file in scan.files {
            guard let entry = manifest[file.path] else { added += 1; continue }
            if entry.size != file.size || entry.modifiedAt != file.modifiedAt { changed += 1 }
        }
        let removed = Set(manifest.keys).subtracting(scan.files.map(\.path)).count
        guard added + changed + removed > 0 else { return nil }
        return "\(added) new, \(changed) changed and \(removed) deleted file(s)"
    }

    // MARK: SQL

    /// The manifest entries whose path is one of `roots` or lies under one of them.
    private static func manifestEntries(_ db: Database, under roots: [String]) throws -> [String: ManifestEntry] {
        var entries: [String: ManifestEntry] = [:]
        let prefixes = roots.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        let rows = try Row.fetchCursor(
            db, sql: #"SELECT "path", "size", "modified_at", "content_hash", "has_errors" FROM "sources""#)
        while let row = try rows.next() {
            let path: String = row["path"]
            guard roots.contains(path) || prefixes.contains(where: { path.hasPrefix($0) }) else { continue }
            entries[path] = ManifestEntry(
                size: row["size"], modifiedAt: row["modified_at"], contentHash: row["content_hash"],
                hasErrors: row["has_errors"])
        }
        return entries
    }

    private static func documentCount(_ db: Database, path: String) throws -> Int {
        try Int.fetchOne(db, sql: #"SELECT count(*) FROM "documents" WHERE "path" = ?"#, arguments: [path]) ?? 0
    }

    private static func saveManifestEntry(_ db: Database, file: SourceFile, contentHash: String?, hasErrors: Bool) throws {
        try db.execute(
            sql: """
                INSERT INTO "sources" ("path", "size", "modified_at", "content_hash", "has_errors") VALUES (?, ?, ?, ?, ?)
                ON CONFLICT ("path") DO UPDATE SET "size" = excluded."size", "modified_at" = excluded."modified_at",
                    "content_hash" = excluded."content_hash", "has_errors" = excluded."has_errors"
                """,
            arguments: [file.path, file.size, file.modifiedAt, contentHash, hasErrors])
    }

    /// The stored form of a document's columns, in the order of the INSERT and UPDATE statements.
    private static func columnValues(_ document: Document, at timestamp: String) -> StatementArguments {
        [
            document.type, document.title, document.aliases.joined(separator: "\n"),
            document.issues.joined(separator: "\n"), document.body, document.path, document.line,
            document.metadataJSON, document.contentHash, timestamp, document.id,
        ]
    }

    private static func insert(_ document: Document, into db: Database, at timestamp: String) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO "documents" ("type", "title", "aliases", "issues", "body", "path", "line", "metadata",
                    "content_hash", "indexed_at", "id")
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: columnValues(document, at: timestamp))
    }

    private static func update(_ document: Document, in db: Database, at timestamp: String) throws {
        try db.cachedStatement(
            sql: """
                UPDATE "documents" SET "type" = ?, "title" = ?, "aliases" = ?, "issues" = ?, "body" = ?, "path" = ?,
                    "line" = ?, "metadata" = ?, "content_hash" = ?, "indexed_at" = ?
                WHERE "id" = ?
                """
        ).execute(arguments: columnValues(document, at: timestamp))
    }

    private static func readFailure(_ error: any Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let code = underlying?.code, underlying?.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(code)))
        }
        return (error as NSError).localizedDescription
    }

    private static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
